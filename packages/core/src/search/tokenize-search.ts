import { filterErrorContext, searchSyntaxError, type SearchErrorContext } from './search-error.ts';

export type SearchKeyword = 'AND' | 'OR' | 'NOT' | 'LIKE' | 'ILIKE' | 'IN' | 'NOT IN';
export type SearchSymbol = '(' | ')' | ',';
/** `<>` is read as `!=`, so the parsers see one spelling. */
export type SearchOperatorSymbol = '=' | '!=' | '<' | '<=' | '>' | '>=';

/** One dot-separated segment of an identifier; `quote` tells `metrics."a b"` from `metrics.a`. */
export interface IdentifierPart {
  text: string;
  quote: '`' | '"' | undefined;
  position: number;
}

interface TokenBase {
  /** 0-based offset of the token's first character in the original text. */
  position: number;
  /** The token exactly as written, so error messages can quote it. */
  text: string;
}

export type IdentifierToken = TokenBase & { kind: 'identifier'; parts: [IdentifierPart, ...IdentifierPart[]] };

/**
 * A lone double-quoted word comes out as an identifier: only the parser knows whether it stands
 * on the left (a key such as `"run name"`) or the right (a value such as `"abc"`) of an operator.
 */
export type SearchToken =
  | IdentifierToken
  | (TokenBase & { kind: 'string'; value: string })
  | (TokenBase & { kind: 'number'; value: number })
  | (TokenBase & { kind: 'operator'; operator: SearchOperatorSymbol })
  | (TokenBase & { kind: 'keyword'; keyword: SearchKeyword })
  | (TokenBase & { kind: 'symbol'; symbol: SearchSymbol })
  | (TokenBase & { kind: 'end' });

const keywords: ReadonlySet<string> = new Set(['AND', 'OR', 'NOT', 'LIKE', 'ILIKE', 'IN']);
// Longest spellings first so that `<=` is not read as `<` followed by `=`.
const operatorSpellings: ReadonlyArray<readonly [string, SearchOperatorSymbol]> = [
  ['!=', '!='],
  ['<>', '!='],
  ['<=', '<='],
  ['>=', '>='],
  ['=', '='],
  ['<', '<'],
  ['>', '>'],
];
const numberPattern = /-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const wordPattern = /[A-Za-z0-9_]+/y;
const identifierStart = /[A-Za-z_`"]/;
const partStart = /[A-Za-z0-9_`"]/;
// A number glued to any of these (`1abc`, `1.2.3`, `5'x'`) is a typo, not two tokens.
const numberContinuation = /[A-Za-z0-9_.`"']/;

/** Splits a search filter or order_by clause into tokens, ending with an `end` token. */
export function tokenizeSearch(text: string, context: SearchErrorContext = filterErrorContext): SearchToken[] {
  const tokens: SearchToken[] = [];
  let index = skipWhitespace(text, 0);
  while (index < text.length) {
    const token = readToken(text, index, context);
    tokens.push(token);
    index = skipWhitespace(text, token.position + token.text.length);
  }
  tokens.push({ kind: 'end', position: text.length, text: '' });
  return mergeNotIn(tokens, text);
}

/** How error messages name a character the tokenizer did not expect. */
export function describeCharacter(character: string): string {
  if (character === '') return 'end of input';
  return /\s/.test(character) ? 'whitespace' : `'${character}'`;
}

function skipWhitespace(text: string, start: number): number {
  let index = start;
  while (index < text.length && /\s/.test(text.charAt(index))) index += 1;
  return index;
}

function readToken(text: string, start: number, context: SearchErrorContext): SearchToken {
  const character = text.charAt(start);
  if (character === "'") {
    const { value, end } = readQuoted(text, start, "'", context);
    return { kind: 'string', value, position: start, text: text.slice(start, end) };
  }
  if (identifierStart.test(character)) return readIdentifier(text, start, context);
  numberPattern.lastIndex = start;
  const number = numberPattern.exec(text);
  if (number !== null) return readNumber(text, start, number[0], context);
  if (character === '(' || character === ')' || character === ',') {
    return { kind: 'symbol', symbol: character, position: start, text: character };
  }
  for (const [spelling, operator] of operatorSpellings) {
    if (text.startsWith(spelling, start)) return { kind: 'operator', operator, position: start, text: spelling };
  }
  throw searchSyntaxError(context, start, `unexpected character ${describeCharacter(character)}`);
}

function readNumber(text: string, start: number, literal: string, context: SearchErrorContext): SearchToken {
  let end = start + literal.length;
  if (numberContinuation.test(text.charAt(end))) {
    while (end < text.length && numberContinuation.test(text.charAt(end))) end += 1;
    throw searchSyntaxError(context, start, `expected a number, found '${text.slice(start, end)}'`);
  }
  const value = Number(literal);
  // Infinity has no JSON or SQL spelling, so an overflowing literal cannot be searched for.
  if (!Number.isFinite(value)) throw searchSyntaxError(context, start, `expected a finite number, found '${literal}'`);
  return { kind: 'number', value, position: start, text: literal };
}

function readIdentifier(text: string, start: number, context: SearchErrorContext): SearchToken {
  const first = readPart(text, start, context);
  const parts: [IdentifierPart, ...IdentifierPart[]] = [first.part];
  let index = first.end;
  while (text.charAt(index) === '.') {
    const next = text.charAt(index + 1);
    if (!partStart.test(next)) {
      throw searchSyntaxError(context, index + 1, `expected a key after '.', found ${describeCharacter(next)}`);
    }
    const part = readPart(text, index + 1, context);
    parts.push(part.part);
    index = part.end;
  }
  const raw = text.slice(start, index);
  const upper = raw.toUpperCase();
  if (parts.length === 1 && first.part.quote === undefined && keywords.has(upper)) {
    return { kind: 'keyword', keyword: upper as SearchKeyword, position: start, text: raw };
  }
  return { kind: 'identifier', parts, position: start, text: raw };
}

function readPart(text: string, start: number, context: SearchErrorContext): { part: IdentifierPart; end: number } {
  const character = text.charAt(start);
  if (character === '`' || character === '"') {
    const { value, end } = readQuoted(text, start, character, context);
    return { part: { text: value, quote: character, position: start }, end };
  }
  wordPattern.lastIndex = start;
  const word = wordPattern.exec(text)?.[0] ?? '';
  return { part: { text: word, quote: undefined, position: start }, end: start + word.length };
}

/**
 * Reads a quoted run starting at `start`. Inside single or double quotes a doubled quote (SQL style)
 * or a backslash-escaped quote stands for the quote itself and `\\` for one backslash; any other
 * backslash is kept, because LIKE patterns downstream may give it meaning. Backticks, as in MLflow,
 * have no escapes.
 */
function readQuoted(text: string, start: number, quote: string, context: SearchErrorContext): { value: string; end: number } {
  let value = '';
  let index = start + 1;
  while (index < text.length) {
    const character = text.charAt(index);
    const next = text.charAt(index + 1);
    if (character === quote) {
      if (quote === '`' || next !== quote) return { value, end: index + 1 };
      value += quote;
      index += 2;
    } else if (character === '\\' && quote !== '`' && (next === quote || next === '\\')) {
      value += next;
      index += 2;
    } else {
      value += character;
      index += 1;
    }
  }
  const what = quote === "'" ? 'string' : 'quoted identifier';
  throw searchSyntaxError(context, start, `unterminated ${what}, expected a closing ${quote} before end of input`);
}

/** `NOT IN` is one operator; a `NOT` anywhere else stays alone so the parser can reject it by name. */
function mergeNotIn(tokens: SearchToken[], text: string): SearchToken[] {
  const merged: SearchToken[] = [];
  for (const token of tokens) {
    const previous = merged.at(-1);
    if (token.kind === 'keyword' && token.keyword === 'IN' && previous?.kind === 'keyword' && previous.keyword === 'NOT') {
      const raw = text.slice(previous.position, token.position + token.text.length);
      merged[merged.length - 1] = { kind: 'keyword', keyword: 'NOT IN', position: previous.position, text: raw };
    } else {
      merged.push(token);
    }
  }
  return merged;
}
