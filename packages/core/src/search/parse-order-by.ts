import type { OrderByClause, SearchEntity } from '@keel/spec';
import { describeToken } from './describe-token.ts';
import { resolveSearchIdentifier } from './resolve-search-identifier.ts';
import { searchSyntaxError, type SearchErrorContext } from './search-error.ts';
import { describeAllowedKeys, targetRules, type SearchTarget } from './search-targets.ts';
import { tokenizeSearch, type IdentifierToken } from './tokenize-search.ts';

/**
 * Parses MLflow order_by clauses such as `metrics.rmse DESC`, `params.alpha` or `` `run name` asc``.
 * Errors carry the 0-based position within the clause and, as `clauseIndex`, which clause it was.
 */
export function parseOrderBy(clauses: readonly string[] | undefined, target: SearchTarget): OrderByClause[] {
  if (clauses === undefined) return [];
  return clauses.map((clause, clauseIndex) => parseClause(clause, clauseIndex, target));
}

function parseClause(clause: string, clauseIndex: number, target: SearchTarget): OrderByClause {
  const context: SearchErrorContext = { label: `order_by clause ${clauseIndex}`, details: { clauseIndex } };
  const [first, second, third] = tokenizeSearch(clause, context);
  if (first?.kind !== 'identifier') {
    const found = first === undefined ? 'end of input' : describeToken(first);
    throw searchSyntaxError(context, first?.position ?? 0, `expected an identifier, found ${found}`);
  }
  const { entity, key } = resolveOrderKey(first, target, context);
  if (second === undefined || second.kind === 'end') return { entity, key, ascending: true };
  const direction = second.kind === 'identifier' && second.parts.length === 1 && second.parts[0].quote === undefined
    ? second.text.toUpperCase()
    : undefined;
  if (direction !== 'ASC' && direction !== 'DESC') {
    throw searchSyntaxError(context, second.position, `expected ASC, DESC or end of clause, found ${describeToken(second)}`);
  }
  if (third !== undefined && third.kind !== 'end') {
    throw searchSyntaxError(context, third.position, `expected end of clause, found ${describeToken(third)}`);
  }
  return { entity, key, ascending: direction === 'ASC' };
}

function resolveOrderKey(token: IdentifierToken, target: SearchTarget, context: SearchErrorContext): { entity: SearchEntity; key: string } {
  const rules = targetRules[target];
  const { entity, key, keyPosition } = resolveSearchIdentifier(token, context);
  const allowed = (): string => describeAllowedKeys(rules.orderAttributes, rules.orderEntities);
  if (entity === 'attribute') {
    const canonical = rules.aliases.get(key) ?? key;
    if (!rules.orderAttributes.has(canonical)) {
      throw searchSyntaxError(context, keyPosition, `unknown attribute '${key}' for ordering ${target}; expected one of ${allowed()}`);
    }
    return { entity, key: canonical };
  }
  if (!rules.orderEntities.has(entity)) {
    throw searchSyntaxError(context, token.position, `cannot order ${target} by ${entity} keys; expected one of ${allowed()}`);
  }
  return { entity, key };
}
