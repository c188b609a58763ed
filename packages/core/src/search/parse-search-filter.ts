import type { ComparisonOperator, KeelError, SearchComparison, SearchEntity } from '@keel/spec';
import { resolveSearchIdentifier } from './resolve-search-identifier.ts';
import { filterErrorContext, searchSyntaxError } from './search-error.ts';
import { datasetKeys, describeAllowedKeys, describeKey, targetRules, type KeyRule, type SearchTarget } from './search-targets.ts';
import { describeToken } from './describe-token.ts';
import { tokenizeSearch, type IdentifierToken, type SearchToken } from './tokenize-search.ts';

export type { SearchTarget } from './search-targets.ts';

/**
 * Parses MLflow's search filter grammar: comparisons joined by AND, such as
 * `metrics.rmse < 1 and params.model LIKE 'cnn%' and attributes.run_id IN ('a', 'b')`.
 * Throws KeelError INVALID_PARAMETER_VALUE naming the 0-based position of the first problem.
 */
export function parseSearchFilter(filter: string | undefined, target: SearchTarget): SearchComparison[] {
  if (filter === undefined || filter.trim() === '') return [];
  const tokens = new TokenCursor(tokenizeSearch(filter, filterErrorContext));
  const comparisons: SearchComparison[] = [];
  for (;;) {
    comparisons.push(parseComparison(tokens, target));
    const next = tokens.next();
    if (next.kind === 'end') return comparisons;
    if (next.kind === 'keyword' && next.keyword === 'AND') continue;
    if (next.kind === 'keyword' && next.keyword === 'OR') {
      throw fail(next, `OR is not supported, only AND; expected AND or end of input, found ${describeToken(next)}`);
    }
    throw fail(next, `expected AND or end of input, found ${describeToken(next)}`);
  }
}

class TokenCursor {
  private index = 0;
  private readonly tokens: readonly SearchToken[];

  constructor(tokens: readonly SearchToken[]) {
    this.tokens = tokens;
  }

  /** Returns the next token; past the end it keeps returning the `end` token the tokenizer appends. */
  next(): SearchToken {
    const token = this.tokens[Math.min(this.index, this.tokens.length - 1)];
    this.index += 1;
    if (token === undefined) throw new Error('tokenizeSearch always appends an end token');
    return token;
  }
}

function fail(token: SearchToken, problem: string): KeelError {
  return searchSyntaxError(filterErrorContext, token.position, problem);
}

function parseComparison(tokens: TokenCursor, target: SearchTarget): SearchComparison {
  const first = tokens.next();
  if (first.kind !== 'identifier') throw fail(first, expectedIdentifierProblem(first));
  const { entity, key, rule } = resolveFilterKey(first, target);
  const operatorToken = tokens.next();
  const operator = toComparisonOperator(operatorToken);
  if (operator === undefined) throw fail(operatorToken, `expected a comparison operator, found ${describeToken(operatorToken)}`);
  if (!rule.operators.includes(operator)) {
    throw fail(
      operatorToken,
      `operator ${operator} is not supported for ${describeKey(entity, key)}; expected one of ${rule.operators.join(', ')}`,
    );
  }
  const subject = describeKey(entity, key);
  const value = operator === 'IN' || operator === 'NOT IN' ? parseStringList(tokens, subject) : parseScalar(tokens, rule, subject);
  return { entity, key, operator, value };
}

function expectedIdentifierProblem(token: SearchToken): string {
  const found = describeToken(token);
  if (token.kind === 'symbol' && token.symbol === '(') return `parentheses are not supported; expected an identifier, found ${found}`;
  if (token.kind === 'keyword' && token.keyword === 'NOT') return `NOT is only supported as NOT IN; expected an identifier, found ${found}`;
  return `expected an identifier, found ${found}`;
}

function resolveFilterKey(token: IdentifierToken, target: SearchTarget): { entity: SearchEntity; key: string; rule: KeyRule } {
  const rules = targetRules[target];
  const { entity, key, keyPosition } = resolveSearchIdentifier(token, filterErrorContext);
  const allowed = (): string => describeAllowedKeys(rules.filterAttributes.keys(), Object.keys(rules.filterEntities) as (keyof typeof rules.filterEntities)[]);
  if (entity === 'attribute') {
    const canonical = rules.aliases.get(key) ?? key;
    const rule = rules.filterAttributes.get(canonical);
    if (rule === undefined) {
      throw searchSyntaxError(filterErrorContext, keyPosition, `unknown attribute '${key}' for ${target}; expected one of ${allowed()}`);
    }
    return { entity, key: canonical, rule };
  }
  const rule = rules.filterEntities[entity];
  if (rule === undefined) {
    throw searchSyntaxError(filterErrorContext, token.position, `${entity} keys are not searchable for ${target}; expected one of ${allowed()}`);
  }
  if (entity === 'dataset' && !datasetKeys.includes(key)) {
    throw searchSyntaxError(filterErrorContext, keyPosition, `unknown dataset key '${key}'; expected one of ${datasetKeys.join(', ')}`);
  }
  return { entity, key, rule };
}

function toComparisonOperator(token: SearchToken): ComparisonOperator | undefined {
  if (token.kind === 'operator') return token.operator;
  if (token.kind !== 'keyword') return undefined;
  switch (token.keyword) {
    case 'LIKE':
    case 'ILIKE':
    case 'IN':
    case 'NOT IN':
      return token.keyword;
    case 'AND':
    case 'OR':
    case 'NOT':
      return undefined;
  }
}

function parseScalar(tokens: TokenCursor, rule: KeyRule, subject: string): number | string {
  const token = tokens.next();
  if (rule.valueKind === 'number') {
    if (token.kind === 'number') return token.value;
    throw fail(token, `expected a number for ${subject}, found ${describeToken(token)}`);
  }
  const text = quotedString(token);
  if (text === undefined) throw fail(token, `expected a quoted string for ${subject}, found ${describeToken(token)}`);
  return text;
}

/** Reads `('a', "b")`; MLflow has no empty list, and a number inside is as wrong as for `=`. */
function parseStringList(tokens: TokenCursor, subject: string): string[] {
  const open = tokens.next();
  if (open.kind !== 'symbol' || open.symbol !== '(') {
    throw fail(open, `expected '(' to start a list of quoted strings for ${subject}, found ${describeToken(open)}`);
  }
  const values: string[] = [];
  for (;;) {
    const item = tokens.next();
    const text = quotedString(item);
    if (text === undefined) throw fail(item, `expected a quoted string in the list for ${subject}, found ${describeToken(item)}`);
    values.push(text);
    const separator = tokens.next();
    if (separator.kind === 'symbol' && separator.symbol === ')') return values;
    if (separator.kind !== 'symbol' || separator.symbol !== ',') {
      throw fail(separator, `expected ',' or ')' in the list for ${subject}, found ${describeToken(separator)}`);
    }
  }
}

/** A value in single quotes, or in double quotes (which the tokenizer hands over as a one-part identifier). */
function quotedString(token: SearchToken): string | undefined {
  if (token.kind === 'string') return token.value;
  if (token.kind === 'identifier' && token.parts.length === 1 && token.parts[0].quote === '"') return token.parts[0].text;
  return undefined;
}
