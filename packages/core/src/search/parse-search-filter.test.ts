import { describe, expect, it } from 'vitest';
import { expectSearchError } from './expect-search-error.ts';
import { parseSearchFilter } from './parse-search-filter.ts';

const runs = (filter: string | undefined) => parseSearchFilter(filter, 'runs');

describe('parseSearchFilter', () => {
  it('returns no comparisons for an absent or blank filter', () => {
    expect(runs(undefined)).toEqual([]);
    expect(runs('')).toEqual([]);
    expect(runs('  \t\n ')).toEqual([]);
  });

  it('parses comparisons joined by AND in any case', () => {
    expect(runs(`metrics.rmse < 1 and params.model LIKE 'cnn%' AnD tags.team = "ml"`)).toEqual([
      { entity: 'metric', key: 'rmse', operator: '<', value: 1 },
      { entity: 'param', key: 'model', operator: 'LIKE', value: 'cnn%' },
      { entity: 'tag', key: 'team', operator: '=', value: 'ml' },
    ]);
  });

  it.each([
    ['=', '='],
    ['!=', '!='],
    ['<>', '!='],
    ['<', '<'],
    ['<=', '<='],
    ['>', '>'],
    ['>=', '>='],
  ])('reads the numeric operator %s as %s, with or without spaces', (written, canonical) => {
    const expected = [{ entity: 'metric', key: 'acc', operator: canonical, value: 0.5 }];
    expect(runs(`metrics.acc ${written} 0.5`)).toEqual(expected);
    expect(runs(`metrics.acc${written}0.5`)).toEqual(expected);
  });

  it.each(['like', 'LIKE', 'Like', 'ilike', 'ILIKE', 'iLike'])('upper-cases the string operator %s', (written) => {
    expect(runs(`params.optimizer ${written} '%adam%'`)).toEqual([
      { entity: 'param', key: 'optimizer', operator: written.toUpperCase(), value: '%adam%' },
    ]);
  });

  it('reads negative, fractional and exponent numbers', () => {
    const values = ['-1', '2.5', '.5', '5.', '1e3', '-1.5E-3', '6e+2'].map((written) => runs(`metrics.m = ${written}`)[0]?.value);
    expect(values).toEqual([-1, 2.5, 0.5, 5, 1000, -0.0015, 600]);
  });

  it('accepts every entity prefix MLflow does', () => {
    const prefixes = ['metric', 'metrics', 'param', 'params', 'parameter', 'parameters', 'tag', 'tags', 'attribute', 'attributes', 'attr', 'run'];
    const entities = prefixes.map((prefix) => {
      const isMetric = prefix.startsWith('metric');
      const isAttribute = ['attribute', 'attributes', 'attr', 'run'].includes(prefix);
      const key = isAttribute ? 'status' : 'k';
      return runs(`${prefix}.${key} = ${isMetric ? '1' : "'v'"}`)[0]?.entity;
    });
    expect(entities).toEqual(['metric', 'metric', 'param', 'param', 'param', 'param', 'tag', 'tag', 'attribute', 'attribute', 'attribute', 'attribute']);
  });

  it('reads keys quoted with backticks or double quotes, and dotted keys', () => {
    expect(runs('metrics.`val loss-1` > 0 and tags."mlflow.note content" = \'x\' and tags.mlflow.runName = \'r\'')).toEqual([
      { entity: 'metric', key: 'val loss-1', operator: '>', value: 0 },
      { entity: 'tag', key: 'mlflow.note content', operator: '=', value: 'x' },
      { entity: 'tag', key: 'mlflow.runName', operator: '=', value: 'r' },
    ]);
  });

  it('unescapes quotes and backslashes in string values but keeps other backslashes', () => {
    expect(runs(String.raw`tags.a = 'it''s' and tags.b = 'it\'s' and tags.c = "say \"hi\"" and tags.d = 'C:\\x\%'`).map((c) => c.value)).toEqual([
      "it's",
      "it's",
      'say "hi"',
      String.raw`C:\x\%`,
    ]);
  });

  it('maps attribute aliases to canonical names', () => {
    const keys = ['created > 1', "`run name` = 'a'", "\"Run Name\" = 'a'", "run_uuid = 'a'", "id = 'a'", "attributes.run_id = 'a'"].map(
      (filter) => runs(filter)[0]?.key,
    );
    expect(keys).toEqual(['start_time', 'run_name', 'run_name', 'run_id', 'run_id', 'run_id']);
  });

  it('reads IN and NOT IN lists of single- or double-quoted strings', () => {
    expect(runs(`run_id IN ('a', "b",'c') and attributes.run_id not   IN ('d')`)).toEqual([
      { entity: 'attribute', key: 'run_id', operator: 'IN', value: ['a', 'b', 'c'] },
      { entity: 'attribute', key: 'run_id', operator: 'NOT IN', value: ['d'] },
    ]);
    expect(runs(`datasets.name IN ('train') AND dataset.context = 'eval'`)).toEqual([
      { entity: 'dataset', key: 'name', operator: 'IN', value: ['train'] },
      { entity: 'dataset', key: 'context', operator: '=', value: 'eval' },
    ]);
  });

  it('gives numeric attributes number values', () => {
    expect(runs('attributes.start_time >= 1700000000000 and end_time < 2')).toEqual([
      { entity: 'attribute', key: 'start_time', operator: '>=', value: 1700000000000 },
      { entity: 'attribute', key: 'end_time', operator: '<', value: 2 },
    ]);
  });

  describe('errors name the position and what was expected', () => {
    it.each([
      ['metrics.a = 1 OR metrics.b = 2', 14, "OR is not supported, only AND; expected AND or end of input, found 'OR'"],
      ['metrics.a = 1 or metrics.b = 2', 14, "found 'or'"],
      ['(metrics.a = 1)', 0, "parentheses are not supported; expected an identifier, found '('"],
      ['NOT metrics.a = 1', 0, "NOT is only supported as NOT IN; expected an identifier, found 'NOT'"],
      ["params.x NOT LIKE 'a'", 9, "expected a comparison operator, found 'NOT'"],
      ['metrics.alpha_beta foo 1', 19, "expected a comparison operator, found 'foo'"],
      ["tags.a = 'abc", 9, "unterminated string, expected a closing ' before end of input"],
      ['tags.`abc = 1', 5, 'unterminated quoted identifier, expected a closing `'],
      ['metrics.a =', 11, "expected a number for metric 'a', found end of input"],
      ['metrics.a = 1 2', 14, 'expected AND or end of input, found number 2'],
      ['metrics.a = 1 AND', 17, 'expected an identifier, found end of input'],
      ["metrics.a = 1 AND metrics.b = 2 'x'", 32, "expected AND or end of input, found string 'x'"],
      ["metrics.rmse = 'a'", 15, "expected a number for metric 'rmse', found string 'a'"],
      ['params.a = 1', 11, "expected a quoted string for param 'a', found number 1"],
      ['tags.a = abc', 9, "expected a quoted string for tag 'a', found 'abc'"],
      ["metrics.a LIKE '1'", 10, "operator LIKE is not supported for metric 'a'; expected one of =, !=, <, <=, >, >="],
      ['params.a > 1', 9, "operator > is not supported for param 'a'; expected one of =, !=, LIKE, ILIKE"],
      ["run_name IN ('a')", 9, "operator IN is not supported for attribute 'run_name'"],
      ["foo = 'x'", 0, "unknown attribute 'foo' for runs; expected one of run_name, status"],
      ["metrics.`a` = 1 and things.x = 'y'", 20, "unknown entity prefix 'things'"],
      ["datasets.size = 'x'", 9, "unknown dataset key 'size'; expected one of name, digest, context"],
      ["tags.\"\" = 'x'", 5, "expected a non-empty key after 'tags.'"],
      ['metrics. = 1', 8, "expected a key after '.', found whitespace"],
      ['metrics.a = 1abc', 12, "expected a number, found '1abc'"],
      ['metrics.a = 1e999', 12, "expected a finite number, found '1e999'"],
      ['metrics.a # 1', 10, "unexpected character '#'"],
      ['metrics.a == 1', 11, "expected a number for metric 'a', found '='"],
      ['run_id IN ()', 11, "expected a quoted string in the list for attribute 'run_id', found ')'"],
      ["run_id IN 'a'", 10, "expected '(' to start a list of quoted strings"],
      ["run_id IN ('a' 'b')", 15, "expected ',' or ')' in the list for attribute 'run_id', found string 'b'"],
      ["run_id IN ('a', 1)", 16, 'expected a quoted string in the list'],
      ["run_id IN ('a',", 15, 'expected a quoted string in the list for attribute \'run_id\', found end of input'],
    ])('%s fails at %i', (filter, position, fragment) => {
      expectSearchError(() => runs(filter), position, fragment);
    });
  });

  describe('other targets', () => {
    it('experiments accept name, times and tags only', () => {
      expect(parseSearchFilter("name ILIKE '%exp%' and attribute.creation_time > 5 and tags.k != 'v'", 'experiments')).toEqual([
        { entity: 'attribute', key: 'name', operator: 'ILIKE', value: '%exp%' },
        { entity: 'attribute', key: 'creation_time', operator: '>', value: 5 },
        { entity: 'tag', key: 'k', operator: '!=', value: 'v' },
      ]);
      expectSearchError(() => parseSearchFilter('metrics.a = 1', 'experiments'), 0, 'metric keys are not searchable for experiments; expected one of name, creation_time, last_update_time, tags.<key>');
      expectSearchError(() => parseSearchFilter("name IN ('a')", 'experiments'), 5, 'operator IN is not supported');
    });

    it('registered models accept name and tags', () => {
      expect(parseSearchFilter("name LIKE 'm%' AND tags.`stage` = 'prod'", 'registered_models')).toEqual([
        { entity: 'attribute', key: 'name', operator: 'LIKE', value: 'm%' },
        { entity: 'tag', key: 'stage', operator: '=', value: 'prod' },
      ]);
      expectSearchError(() => parseSearchFilter("run_id = 'a'", 'registered_models'), 0, "unknown attribute 'run_id' for registered_models; expected one of name, tags.<key>");
    });

    it('model versions accept name, source_path, run_id lists and tags', () => {
      expect(parseSearchFilter("name = 'm' and source_path LIKE 's3://%' and run_id IN ('r1', 'r2') and tags.t = 'x'", 'model_versions')).toEqual([
        { entity: 'attribute', key: 'name', operator: '=', value: 'm' },
        { entity: 'attribute', key: 'source_path', operator: 'LIKE', value: 's3://%' },
        { entity: 'attribute', key: 'run_id', operator: 'IN', value: ['r1', 'r2'] },
        { entity: 'tag', key: 't', operator: '=', value: 'x' },
      ]);
      expectSearchError(() => parseSearchFilter("params.a = 'x'", 'model_versions'), 0, 'param keys are not searchable for model_versions');
    });
  });
});
