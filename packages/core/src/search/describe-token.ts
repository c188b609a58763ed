import type { SearchToken } from './tokenize-search.ts';

/** How error messages name what they found, e.g. `'foo'`, `number 5`, `string 'abc'`, `end of input`. */
export function describeToken(token: SearchToken): string {
  switch (token.kind) {
    case 'end':
      return 'end of input';
    case 'string':
      return `string ${token.text}`;
    case 'number':
      return `number ${token.text}`;
    case 'identifier':
    case 'operator':
    case 'keyword':
    case 'symbol':
      return `'${token.text}'`;
  }
}
