import type { ComparisonOperator } from '@keel/spec';
import type { SqlValue } from '../drivers/sql-driver.ts';

export interface SqlFragment {
  sql: string;
  params: SqlValue[];
}

/**
 * `column <operator> value` for one comparison of the search grammar. LIKE is case-sensitive on both
 * dialects, and `\` escapes `%` and `_` on both (PostgreSQL's default; SQLite needs ESCAPE).
 */
export function compileComparison(column: string, operator: ComparisonOperator, value: number | string | string[]): SqlFragment {
  switch (operator) {
    case 'IN':
    case 'NOT IN': {
      const values = Array.isArray(value) ? value : [String(value)];
      if (values.length === 0) return { sql: operator === 'IN' ? '1 = 0' : '1 = 1', params: [] };
      return { sql: `${column} ${operator} (${values.map(() => '?').join(', ')})`, params: values };
    }
    case 'ILIKE':
      return { sql: `LOWER(${column}) LIKE LOWER(?) ESCAPE '\\'`, params: [scalar(value)] };
    case 'LIKE':
      return { sql: `${column} LIKE ? ESCAPE '\\'`, params: [scalar(value)] };
    case '=':
    case '!=':
    case '<':
    case '<=':
    case '>':
    case '>=':
      return { sql: `${column} ${operator === '!=' ? '<>' : operator} ?`, params: [scalar(value)] };
  }
}

function scalar(value: number | string | string[]): SqlValue {
  return Array.isArray(value) ? (value[0] ?? '') : value;
}

export function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}
