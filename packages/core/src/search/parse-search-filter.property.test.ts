import { hasErrorCode, type SearchComparison } from '@keel/spec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseOrderBy } from './parse-order-by.ts';
import { parseSearchFilter, type SearchTarget } from './parse-search-filter.ts';

interface Generated {
  text: string;
  expected: SearchComparison;
}

const targets: SearchTarget[] = ['runs', 'experiments', 'registered_models', 'model_versions'];

// Fragments of the grammar, so that random text reaches deep into the parser rather than failing on the first character.
const grammarPiece = fc.oneof(
  fc.constantFrom('metrics.', 'params.', 'tags.', 'attributes.', 'datasets.', 'run_id', 'name', 'start_time', 'x', 'a.b'),
  fc.constantFrom(' ', '=', '!=', '<>', '<', '>=', 'LIKE', 'ilike', 'IN', 'NOT', 'not in', 'AND', 'or', 'desc', '(', ')', ','),
  fc.constantFrom("'", '"', '`', '\\', "'a'", '"b"', '`c d`', '1', '-2.5e3', '.', '-', 'e', '#', '\n'),
  fc.string({ maxLength: 3 }),
);
const anyText = fc.oneof(fc.string(), fc.string({ unit: grammarPiece, maxLength: 40 }));

function expectParsedOrRejected(action: () => unknown): void {
  try {
    expect(Array.isArray(action())).toBe(true);
  } catch (error) {
    expect(hasErrorCode(error, 'INVALID_PARAMETER_VALUE'), `unexpected ${String(error)}`).toBe(true);
  }
}

const space = fc.constantFrom(' ', '  ', '\t', '\n ');
const anyCase = (word: string) => fc.constantFrom(word, word.toLowerCase(), word.charAt(0) + word.slice(1).toLowerCase());

/** Writes a key bare when the tokenizer reads it back unchanged, otherwise in backticks or escaped double quotes. */
const writtenKey = (key: string) =>
  /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/.test(key)
    ? fc.constant(key)
    : fc.constantFrom('`' + key + '`', '"' + key.replaceAll('\\', '\\\\').replaceAll('"', '\\"') + '"');

const writtenString = (value: string) =>
  fc.constantFrom(
    "'" + value.replaceAll('\\', '\\\\').replaceAll("'", "''") + "'",
    "'" + value.replaceAll('\\', '\\\\').replaceAll("'", "\\'") + "'",
    '"' + value.replaceAll('\\', '\\\\').replaceAll('"', '\\"') + '"',
  );

const keyText = fc.string({ unit: fc.constantFrom(...'abcXYZ019_ .-/:"\'\\'.split('')), minLength: 1, maxLength: 12 });
const numericOperator = fc.constantFrom(['=', '='], ['!=', '!='], ['<>', '!='], ['<', '<'], ['<=', '<='], ['>', '>'], ['>=', '>=']);
const stringOperator = fc.oneof(numericOperator.filter(([, operator]) => operator === '=' || operator === '!='), anyCase('LIKE').map((word) => [word, 'LIKE']), anyCase('ILIKE').map((word) => [word, 'ILIKE']));
const number = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));

const metricComparison: fc.Arbitrary<Generated> = fc
  .tuple(fc.constantFrom('metric', 'metrics'), keyText, numericOperator, number, space)
  .chain(([prefix, key, [operator, canonical], value, gap]) =>
    writtenKey(key).map((written) => ({
      text: `${prefix}.${written}${gap}${operator}${gap}${String(value)}`,
      expected: { entity: 'metric', key, operator: canonical, value: Number(String(value)) } as SearchComparison,
    })),
  );

const stringComparison: fc.Arbitrary<Generated> = fc
  .tuple(fc.constantFrom('param', 'params', 'parameter', 'parameters', 'tag', 'tags'), keyText, stringOperator, fc.string(), space)
  .chain(([prefix, key, [operator, canonical], value, gap]) =>
    fc.tuple(writtenKey(key), writtenString(value)).map(([writtenName, writtenValue]) => ({
      text: `${prefix}.${writtenName}${gap}${operator}${gap}${writtenValue}`,
      expected: { entity: prefix.startsWith('tag') ? 'tag' : 'param', key, operator: canonical, value } as SearchComparison,
    })),
  );

const attributeComparison: fc.Arbitrary<Generated> = fc.oneof(
  fc
    .tuple(fc.constantFrom(['created', 'start_time'], ['attribute.end_time', 'end_time'], ['attributes.start_time', 'start_time']), numericOperator, fc.integer())
    .map(([[written, key], [operator, canonical], value]) => ({
      text: `${written} ${operator} ${value}`,
      expected: { entity: 'attribute', key, operator: canonical, value } as SearchComparison,
    })),
  fc
    .tuple(fc.constantFrom(['`run name`', 'run_name'], ['"Run Name"', 'run_name'], ['attr.status', 'status'], ['run.user_id', 'user_id']), stringOperator, fc.string())
    .chain(([[written, key], [operator, canonical], value]) =>
      writtenString(value).map((writtenValue) => ({
        text: `${written} ${operator} ${writtenValue}`,
        expected: { entity: 'attribute', key, operator: canonical, value } as SearchComparison,
      })),
    ),
  fc
    .tuple(fc.constantFrom('run_id', 'run_uuid', 'attributes.run_id'), fc.constantFrom('IN', 'not in', 'NOT  IN'), fc.array(fc.string(), { minLength: 1, maxLength: 4 }))
    .chain(([written, operator, values]) =>
      fc.tuple(...values.map(writtenString)).map((writtenValues) => ({
        text: `${written} ${operator} (${writtenValues.join(', ')})`,
        expected: { entity: 'attribute', key: 'run_id', operator: operator.toUpperCase().replace(/\s+/, ' '), value: values } as SearchComparison,
      })),
    ),
);

const comparison = fc.oneof(metricComparison, stringComparison, attributeComparison);

describe('parseSearchFilter properties', () => {
  it('either parses or throws INVALID_PARAMETER_VALUE for any text', () => {
    fc.assert(
      fc.property(anyText, fc.constantFrom(...targets), (text, target) => {
        expectParsedOrRejected(() => parseSearchFilter(text, target));
        expectParsedOrRejected(() => parseOrderBy([text], target));
      }),
      { numRuns: 2000 },
    );
  });

  it('reads back generated filters as the comparisons they were built from', () => {
    fc.assert(
      fc.property(fc.array(comparison, { minLength: 1, maxLength: 5 }), fc.array(anyCase('AND'), { minLength: 5, maxLength: 5 }), space, (parts, joiners, gap) => {
        const text = parts.map((part, index) => (index === 0 ? part.text : `${gap}${joiners[index] ?? 'AND'}${gap}${part.text}`)).join('');
        expect(parseSearchFilter(`${gap}${text}${gap}`, 'runs')).toEqual(parts.map((part) => part.expected));
      }),
      { numRuns: 1000 },
    );
  });
});
