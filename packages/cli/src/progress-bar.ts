import type { TextOutput } from './cli-context.ts';
import { formatBytes } from './format-values.ts';

export interface ProgressBarOptions {
  output: TextOutput;
  label: string;
  now: () => number;
  /** Characters of the bar itself (default 24). */
  width?: number;
}

export interface ProgressBar {
  update(bytes: number, total: number | undefined): void;
  /** Draws the final state and ends the line. */
  finish(): void;
}

/**
 * `label [#####-----]  42.0%  2.1 MiB/5.0 MiB  1.3 MiB/s` on one line. On a terminal it redraws in
 * place at most ten times a second; into a file or pipe it writes a line a second, since a carriage
 * return there would pile every frame into one unreadable line.
 */
export function createProgressBar(options: ProgressBarOptions): ProgressBar {
  const width = options.width ?? 24;
  const interactive = options.output.isTTY === true;
  const interval = interactive ? 100 : 1000;
  const started = options.now();
  let lastDrawn = Number.NEGATIVE_INFINITY;
  let lastLength = 0;
  let bytes = 0;
  let total: number | undefined;

  const render = (): string => {
    const elapsed = Math.max(1, options.now() - started) / 1000;
    const rate = `${formatBytes(Math.round(bytes / elapsed))}/s`;
    if (total === undefined || total === 0) return `${options.label}  ${formatBytes(bytes)}  ${rate}`;
    const fraction = Math.min(1, bytes / total);
    const filled = Math.round(fraction * width);
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
    return `${options.label} ${bar} ${(fraction * 100).toFixed(1).padStart(5)}%  ${formatBytes(bytes)}/${formatBytes(total)}  ${rate}`;
  };
  const draw = (final: boolean) => {
    const line = render();
    if (interactive) {
      options.output.write(`\r${line}${' '.repeat(Math.max(0, lastLength - line.length))}${final ? '\n' : ''}`);
      lastLength = line.length;
    } else {
      options.output.write(`${line}\n`);
    }
  };

  return {
    update(nextBytes, nextTotal) {
      bytes = nextBytes;
      total = nextTotal;
      const at = options.now();
      if (at - lastDrawn < interval) return;
      lastDrawn = at;
      draw(false);
    },
    finish() {
      draw(true);
    },
  };
}
