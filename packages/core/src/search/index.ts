export { parseSearchFilter, type SearchTarget } from './parse-search-filter.ts';
export { parseOrderBy } from './parse-order-by.ts';
export { tokenizeSearch, type SearchToken, type SearchKeyword, type IdentifierPart } from './tokenize-search.ts';
