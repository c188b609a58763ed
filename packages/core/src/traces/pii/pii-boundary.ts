const backslash = 92;
const escapeLetters = new Set(['n', 'r', 't', 'b', 'f']);
const wordChar = /\w/;

/**
 * Whether a number or address may start at `start`: not as the tail of a longer token (hex ids, v1.2.3.4),
 * nor right after one of `refused`. A JSON escape such as `\n` counts as a boundary, because message
 * attributes are often JSON text and `\n4111...` starts a new line there. Checked in code rather than
 * as a regex lookbehind, which would make V8 try the lookbehind at every position of long strings.
 */
export function startsAtBoundary(text: string, start: number, refused: string): boolean {
  if (start === 0) return true;
  const before = text[start - 1] ?? '';
  if (!wordChar.test(before) && !refused.includes(before)) return true;
  return start >= 2 && text.charCodeAt(start - 2) === backslash && escapeLetters.has(before);
}
