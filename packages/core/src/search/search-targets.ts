import type { ComparisonOperator, SearchEntity } from '@keel/spec';

/** What a search runs over; each accepts its own keys, mirroring MLflow's per-entity search utilities. */
export type SearchTarget = 'runs' | 'experiments' | 'registered_models' | 'model_versions';

/** How a key may be compared: the type its value must have and the operators it accepts. */
export interface KeyRule {
  valueKind: 'number' | 'string';
  operators: readonly ComparisonOperator[];
}

export interface TargetRules {
  /** Canonical attribute name to its filter rule. */
  filterAttributes: ReadonlyMap<string, KeyRule>;
  /** Non-attribute entities this target can filter on; absent means "not searchable here". */
  filterEntities: Partial<Record<Exclude<SearchEntity, 'attribute'>, KeyRule>>;
  orderAttributes: ReadonlySet<string>;
  orderEntities: ReadonlySet<Exclude<SearchEntity, 'attribute'>>;
  /** Other spellings users write, such as MLflow UI column names, to the canonical attribute. */
  aliases: ReadonlyMap<string, string>;
}

const numeric: KeyRule = { valueKind: 'number', operators: ['=', '!=', '<', '<=', '>', '>='] };
const text: KeyRule = { valueKind: 'string', operators: ['=', '!=', 'LIKE', 'ILIKE'] };
const textOrList: KeyRule = { valueKind: 'string', operators: ['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'] };

export const datasetKeys: readonly string[] = ['name', 'digest', 'context'];

const runAliases = new Map([
  ['created', 'start_time'],
  ['Created', 'start_time'],
  ['run name', 'run_name'],
  ['Run name', 'run_name'],
  ['Run Name', 'run_name'],
  ['run_uuid', 'run_id'],
  ['id', 'run_id'],
]);

export const targetRules: Record<SearchTarget, TargetRules> = {
  runs: {
    filterAttributes: new Map([
      ['run_name', text],
      ['status', text],
      ['user_id', text],
      ['artifact_uri', text],
      ['lifecycle_stage', text],
      ['run_id', textOrList],
      ['start_time', numeric],
      ['end_time', numeric],
    ]),
    filterEntities: { metric: numeric, param: text, tag: text, dataset: textOrList },
    orderAttributes: new Set(['start_time', 'end_time', 'run_name', 'status', 'run_id', 'user_id', 'artifact_uri']),
    orderEntities: new Set(['metric', 'param', 'tag'] as const),
    aliases: runAliases,
  },
  experiments: {
    filterAttributes: new Map([
      ['name', text],
      ['creation_time', numeric],
      ['last_update_time', numeric],
    ]),
    filterEntities: { tag: text },
    orderAttributes: new Set(['name', 'experiment_id', 'creation_time', 'last_update_time']),
    orderEntities: new Set(),
    aliases: new Map(),
  },
  registered_models: {
    filterAttributes: new Map([['name', text]]),
    filterEntities: { tag: text },
    orderAttributes: new Set(['name', 'last_updated_timestamp', 'creation_timestamp']),
    orderEntities: new Set(),
    aliases: new Map([['timestamp', 'last_updated_timestamp']]),
  },
  model_versions: {
    filterAttributes: new Map([
      ['name', text],
      ['source_path', text],
      ['run_id', textOrList],
      ['version_number', numeric],
      ['model_id', text],
    ]),
    filterEntities: { tag: text },
    orderAttributes: new Set(['name', 'version_number', 'creation_timestamp', 'last_updated_timestamp']),
    orderEntities: new Set(),
    aliases: new Map(),
  },
};

const entityExamples: Record<Exclude<SearchEntity, 'attribute'>, string> = {
  metric: 'metrics.<key>',
  param: 'params.<key>',
  tag: 'tags.<key>',
  dataset: 'datasets.<name|digest|context>',
};

/** The keys a target accepts, as an error message lists them. */
export function describeAllowedKeys(attributes: Iterable<string>, entities: Iterable<Exclude<SearchEntity, 'attribute'>>): string {
  return [...attributes, ...[...entities].map((entity) => entityExamples[entity])].join(', ');
}

/** Noun for one searched entity type, as a message names it ("metric 'rmse'"). */
export function describeKey(entity: SearchEntity, key: string): string {
  return `${entity} '${key}'`;
}
