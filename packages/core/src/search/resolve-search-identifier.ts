import type { SearchEntity } from '@keel/spec';
import { searchSyntaxError, type SearchErrorContext } from './search-error.ts';
import type { IdentifierToken } from './tokenize-search.ts';

// MLflow accepts each entity under several prefixes; all of them are spelled out here.
const entityPrefixes: ReadonlyMap<string, SearchEntity> = new Map([
  ['metric', 'metric'],
  ['metrics', 'metric'],
  ['param', 'param'],
  ['params', 'param'],
  ['parameter', 'param'],
  ['parameters', 'param'],
  ['tag', 'tag'],
  ['tags', 'tag'],
  ['attribute', 'attribute'],
  ['attributes', 'attribute'],
  ['attr', 'attribute'],
  ['run', 'attribute'],
  ['dataset', 'dataset'],
  ['datasets', 'dataset'],
]);

export interface ResolvedIdentifier {
  entity: SearchEntity;
  /** The key as written after the prefix (aliases are not applied here). */
  key: string;
  /** Where the key starts, for errors about the key rather than the prefix. */
  keyPosition: number;
}

/**
 * Splits `metrics.rmse` into entity and key. A single part is an attribute; further parts after the
 * prefix are joined back with dots, since keys such as `tags.mlflow.runName` contain dots themselves.
 */
export function resolveSearchIdentifier(token: IdentifierToken, context: SearchErrorContext): ResolvedIdentifier {
  const [first, ...rest] = token.parts;
  const keyStart = rest[0];
  if (keyStart === undefined) {
    if (first.text === '') throw searchSyntaxError(context, first.position, 'expected a non-empty attribute name');
    return { entity: 'attribute', key: first.text, keyPosition: first.position };
  }
  const entity = entityPrefixes.get(first.text.toLowerCase());
  if (entity === undefined) {
    throw searchSyntaxError(
      context,
      token.position,
      `unknown entity prefix '${first.text}', expected one of metrics., params., tags., attributes., datasets.`,
    );
  }
  const key = rest.map((part) => part.text).join('.');
  if (key === '') throw searchSyntaxError(context, keyStart.position, `expected a non-empty key after '${first.text}.'`);
  return { entity, key, keyPosition: keyStart.position };
}
