export { mapSpanMeaning } from './map-span-meaning.ts';
export { spanMapperVersion } from './span-mapper-version.ts';
export { conventionTables } from './convention-tables.ts';
export type { ConventionTable, Convention, FieldRule, FieldRules } from './field-rule.ts';
