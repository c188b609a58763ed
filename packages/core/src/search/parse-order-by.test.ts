import { describe, expect, it } from 'vitest';
import { expectSearchError } from './expect-search-error.ts';
import { parseOrderBy } from './parse-order-by.ts';

describe('parseOrderBy', () => {
  it('returns nothing for absent or empty clause lists', () => {
    expect(parseOrderBy(undefined, 'runs')).toEqual([]);
    expect(parseOrderBy([], 'runs')).toEqual([]);
  });

  it('parses entities, quoted keys, aliases and directions for runs', () => {
    expect(
      parseOrderBy(['metrics.rmse DESC', 'params.x', 'attributes.start_time ASC', 'start_time', '`run name`', 'tags."my tag" desc', 'created asc', 'metric.`a.b`'], 'runs'),
    ).toEqual([
      { entity: 'metric', key: 'rmse', ascending: false },
      { entity: 'param', key: 'x', ascending: true },
      { entity: 'attribute', key: 'start_time', ascending: true },
      { entity: 'attribute', key: 'start_time', ascending: true },
      { entity: 'attribute', key: 'run_name', ascending: true },
      { entity: 'tag', key: 'my tag', ascending: false },
      { entity: 'attribute', key: 'start_time', ascending: true },
      { entity: 'metric', key: 'a.b', ascending: true },
    ]);
  });

  it('accepts every orderable run attribute', () => {
    const keys = ['start_time', 'end_time', 'run_name', 'status', 'run_id', 'user_id', 'artifact_uri', 'run_uuid', 'id'];
    expect(parseOrderBy(keys, 'runs').map((clause) => clause.key)).toEqual([...keys.slice(0, 7), 'run_id', 'run_id']);
  });

  it('reads ASC and DESC in any case, with surrounding whitespace', () => {
    expect(parseOrderBy(['  name   dEsC ', 'name Asc'], 'experiments').map((clause) => clause.ascending)).toEqual([false, true]);
  });

  it('knows the keys of each target', () => {
    expect(parseOrderBy(['name', 'experiment_id', 'creation_time', 'last_update_time DESC'], 'experiments')).toHaveLength(4);
    expect(parseOrderBy(['timestamp DESC', 'creation_timestamp', 'name'], 'registered_models')).toEqual([
      { entity: 'attribute', key: 'last_updated_timestamp', ascending: false },
      { entity: 'attribute', key: 'creation_timestamp', ascending: true },
      { entity: 'attribute', key: 'name', ascending: true },
    ]);
    expect(parseOrderBy(['version_number DESC', 'last_updated_timestamp', 'creation_timestamp', 'name'], 'model_versions')).toHaveLength(4);
  });

  describe('errors name the clause and the position within it', () => {
    it.each([
      [['metrics.rmse DESC', 'metrics.x up'], 1, 10, "expected ASC, DESC or end of clause, found 'up'"],
      [['run_name DESC extra'], 0, 14, "expected end of clause, found 'extra'"],
      [['start_time', ''], 1, 0, 'expected an identifier, found end of input'],
      [['   '], 0, 3, 'expected an identifier, found end of input'],
      [["'start_time'"], 0, 0, "expected an identifier, found string 'start_time'"],
      [['foo'], 0, 0, "unknown attribute 'foo' for ordering runs; expected one of start_time"],
      [['datasets.name'], 0, 0, 'cannot order runs by dataset keys'],
      [['metrics.`rmse DESC'], 0, 8, 'unterminated quoted identifier'],
      [['metrics.rmse, params.x'], 0, 12, "expected ASC, DESC or end of clause, found ','"],
      [['tags.x "DESC"'], 0, 7, 'expected ASC, DESC or end of clause'],
    ])('%j fails in clause %i at %i', (clauses, clauseIndex, position, fragment) => {
      expectSearchError(() => parseOrderBy(clauses, 'runs'), position, `Invalid order_by clause ${clauseIndex} at position ${position}: ${fragment}`, { clauseIndex });
    });

    it('rejects keys other targets do not order by', () => {
      expectSearchError(() => parseOrderBy(['tags.x'], 'experiments'), 0, 'cannot order experiments by tag keys; expected one of name, experiment_id', { clauseIndex: 0 });
      expectSearchError(() => parseOrderBy(['name', 'start_time'], 'registered_models'), 0, "unknown attribute 'start_time' for ordering registered_models", { clauseIndex: 1 });
      expectSearchError(() => parseOrderBy(['run_id'], 'model_versions'), 0, "unknown attribute 'run_id'", { clauseIndex: 0 });
    });
  });
});
