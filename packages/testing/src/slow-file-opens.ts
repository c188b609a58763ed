import fs from 'node:fs';

/**
 * Makes `fs.open` (the callback form, which a file stream calls to open its own file) answer
 * `delayMs` late, as a loaded disk would; the returned function puts the real one back.
 */
export function slowFileOpens(delayMs: number): () => void {
  const realOpen = fs.open;
  fs.open = ((...args: Parameters<typeof fs.open>) => {
    setTimeout(() => Reflect.apply(realOpen, fs, args), delayMs);
  }) as typeof fs.open;
  return () => {
    fs.open = realOpen;
  };
}
