import type { SpanRecord } from '@keel/spec';

/**
 * How `spans.raw` is stored (ADR 0010). Instrumentation sends a span's messages as attributes
 * (`gen_ai.input.messages`, `input.value`, ...) and the mapper also stores them, normalised, in the
 * `input` and `output` columns of the same row: the text was held twice. A long attribute text that
 * contains text of those columns is stored as segments instead: its own literal pieces, and
 * references to the row's `input`/`output` text, either a range of the column's JSON text (a message
 * content appears JSON-escaped, as it is in the column, inside a `gen_ai.*.messages` JSON text) or
 * the column's whole value when the column is one JSON string (`input.value` and the like).
 *
 * Lossless by construction: the segments are the attribute cut where a candidate text was found in
 * it, each reference naming the column text that candidate was taken from, so they rebuild it exactly
 * (a property test checks it); raw text without `textRefs` (rows stored before, or spans whose text
 * matched nothing) reads as it is.
 * The references name ranges of the stored column text, so reading needs no parsing to rebuild them.
 */

type Raw = SpanRecord['raw'];
/** Column: 0 `input`, 1 `output`. */
type Column = 0 | 1;
/**
 * A literal piece of the text; `[column, start, end]`: that range of the column's JSON text;
 * `[column]`: the string the column's JSON text encodes.
 */
type Segment = string | [Column, number, number] | [Column];
interface TextRefs {
  v: 1;
  /** Attribute key: the segments of its string value (stored as null in `attributes`). */
  attributes: Record<string, Segment[]>;
}
type PackedRaw = Raw & { textRefs?: TextRefs };

/** Texts shorter than this are neither replaced nor referenced: the reference would save little. */
const minChars = 32;
/** Bounds on the search, so that a span built to be slow (many candidates, a text full of repeats) costs little: the longest candidates, the first matches. */
const maxCandidates = 16;
const maxMatches = 64;

interface Candidate {
  column: Column;
  start: number;
  end: number;
  /** The text to look for: the range of the column text, or the decoded string for a whole-column reference. */
  text: string;
}

function isEscapedQuote(text: string, at: number): boolean {
  let slashes = 0;
  for (let index = at - 1; index >= 0 && text.charCodeAt(index) === 92; index -= 1) slashes += 1;
  return slashes % 2 === 1;
}

/** The contents of the long string literals of a column's JSON text (as they are written there, escaped). */
function pushCandidates(column: Column, text: string | null, into: Candidate[]): void {
  if (text === null || text.length < minChars) return;
  let open = text.indexOf('"');
  while (open !== -1) {
    let close = text.indexOf('"', open + 1);
    while (close !== -1 && isEscapedQuote(text, close)) close = text.indexOf('"', close + 1);
    if (close === -1) return;
    if (close - open - 1 >= minChars) {
      into.push({ column, start: open + 1, end: close, text: text.slice(open + 1, close) });
      // The whole column is one JSON string with escapes: its decoded text is a candidate too.
      if (open === 0 && close === text.length - 1 && text.includes('\\')) into.push({ column, start: -1, end: -1, text: decodeString(text) });
    }
    open = text.indexOf('"', close + 1);
  }
}

function decodeString(text: string): string {
  const value: unknown = JSON.parse(text);
  return typeof value === 'string' ? value : '';
}

interface Match {
  at: number;
  length: number;
  segment: Segment;
}

/** `value` as literal pieces and references, or null when no candidate occurs in it. */
function segmentsOf(value: string, candidates: readonly Candidate[]): Segment[] | null {
  const matches: Match[] = [];
  for (const candidate of candidates) {
    const length = candidate.text.length;
    if (length > value.length) continue;
    let at = value.indexOf(candidate.text);
    while (at !== -1 && matches.length < maxMatches) {
      const end = at + length;
      if (!matches.some((other) => at < other.at + other.length && other.at < end)) {
        matches.push({ at, length, segment: candidate.start === -1 ? [candidate.column] : [candidate.column, candidate.start, candidate.end] });
      }
      at = value.indexOf(candidate.text, end);
    }
  }
  if (matches.length === 0) return null;
  matches.sort((a, b) => a.at - b.at);
  const segments: Segment[] = [];
  let cursor = 0;
  for (const match of matches) {
    if (match.at > cursor) segments.push(value.slice(cursor, match.at));
    segments.push(match.segment);
    cursor = match.at + match.length;
  }
  if (cursor < value.length) segments.push(value.slice(cursor));
  return segments;
}

function rebuild(segments: readonly Segment[], columns: readonly (string | null)[]): string | undefined {
  let text = '';
  for (const segment of segments) {
    if (typeof segment === 'string') {
      text += segment;
      continue;
    }
    const column = columns[segment[0]];
    if (column === null || column === undefined) return undefined;
    text += segment.length === 1 ? decodeString(column) : column.slice(segment[1], segment[2]);
  }
  return text;
}

/** The text stored in `spans.raw` for a span whose `input` and `output` columns hold `input` and `output`. */
export function packRawText(raw: Raw, input: string | null, output: string | null): string {
  const candidates: Candidate[] = [];
  pushCandidates(0, input, candidates);
  pushCandidates(1, output, candidates);
  // A key `__proto__` could not be put back by assignment: such attributes are stored as they are.
  if (candidates.length === 0 || Object.hasOwn(raw.attributes, '__proto__')) return JSON.stringify(raw);
  // Longest first, so that a text is covered by the largest pieces.
  candidates.sort((a, b) => b.text.length - a.text.length);
  if (candidates.length > maxCandidates) candidates.length = maxCandidates;
  let refs: Record<string, Segment[]> | undefined;
  for (const key in raw.attributes) {
    const value = raw.attributes[key];
    if (typeof value !== 'string' || value.length < minChars) continue;
    const segments = segmentsOf(value, candidates);
    if (segments === null) continue;
    refs ??= {};
    refs[key] = segments;
  }
  if (refs === undefined) return JSON.stringify(raw);
  // The keys keep their order; a replaced value is stored as null.
  const attributes: Record<string, unknown> = {};
  for (const key in raw.attributes) attributes[key] = Object.hasOwn(refs, key) ? null : raw.attributes[key];
  return JSON.stringify({ ...raw, attributes, textRefs: { v: 1, attributes: refs } });
}

/** The span's raw record from the stored text and the row's `input` and `output` columns. */
export function unpackRawText(text: string, input: string | null, output: string | null): Raw {
  const packed = JSON.parse(text) as PackedRaw;
  if (packed.textRefs === undefined) return packed;
  const { textRefs, ...raw } = packed;
  if (textRefs.v !== 1) throw new Error(`spans.raw: unknown textRefs version ${String(textRefs.v)}`);
  const columns = [input, output];
  for (const [key, segments] of Object.entries(textRefs.attributes)) {
    const value = rebuild(segments, columns);
    if (value === undefined) throw new Error(`spans.raw: attribute ${key} refers to a column its row does not hold`);
    raw.attributes[key] = value;
  }
  return raw;
}
