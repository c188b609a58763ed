/**
 * A LIKE pattern that matches `text` anywhere, with LIKE's wildcards taken literally (use with
 * `ESCAPE '\'`). The stored input, output and tags are JSON text, so the needle is JSON-escaped the
 * same way: a quote in the search matches the \" in the stored text.
 */
export function containsPattern(text: string): string {
  const jsonEscaped = JSON.stringify(text).slice(1, -1);
  return `%${jsonEscaped.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/** Like `containsPattern`, but for a whole JSON string element: `"tag"` with its quotes. */
export function jsonStringPattern(text: string): string {
  return `%${JSON.stringify(text).replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}
