import { type Experiment, type Page, type ViewType, experimentPageSchema, experimentSchema } from '@keel/spec';
import { type Transport, segment } from './create-transport.ts';
import { type KeyValues, toKeyValues } from './to-key-values.ts';

export interface SearchExperimentsOptions {
  filter?: string;
  orderBy?: string[];
  viewType?: ViewType;
  maxResults?: number;
  pageToken?: string;
}

export interface ExperimentsApi {
  create(input: { name: string; artifactLocation?: string; tags?: KeyValues }): Promise<Experiment>;
  get(experimentId: string): Promise<Experiment>;
  getByName(name: string): Promise<Experiment>;
  search(options?: SearchExperimentsOptions): Promise<Page<Experiment>>;
  rename(experimentId: string, name: string): Promise<Experiment>;
  /** Marks the experiment and its runs deleted; `restore` brings them back. */
  delete(experimentId: string): Promise<Experiment>;
  restore(experimentId: string): Promise<Experiment>;
  setTag(experimentId: string, key: string, value: string): Promise<Experiment>;
  deleteTag(experimentId: string, key: string): Promise<Experiment>;
}

const base = '/api/v1/experiments';

export function createExperimentsApi(transport: Transport): ExperimentsApi {
  const byId = (experimentId: string) => `${base}/${segment(experimentId)}`;
  return {
    create: (input) =>
      transport.request({ method: 'POST', path: base, json: { name: input.name, artifactLocation: input.artifactLocation, tags: toKeyValues(input.tags) }, schema: experimentSchema }),
    get: (experimentId) => transport.request({ method: 'GET', path: byId(experimentId), schema: experimentSchema }),
    getByName: (name) => transport.request({ method: 'GET', path: `${base}/by-name/${segment(name)}`, schema: experimentSchema }),
    async search(options = {}) {
      const page = await transport.request({ method: 'GET', path: base, query: { ...options }, schema: experimentPageSchema });
      return { items: page.items, nextPageToken: page.nextPageToken };
    },
    rename: (experimentId, name) => transport.request({ method: 'PATCH', path: byId(experimentId), json: { name }, schema: experimentSchema }),
    delete: (experimentId) => transport.request({ method: 'DELETE', path: byId(experimentId), schema: experimentSchema }),
    restore: (experimentId) => transport.request({ method: 'POST', path: `${byId(experimentId)}/restore`, json: {}, schema: experimentSchema, idempotent: true }),
    setTag: (experimentId, key, value) => transport.request({ method: 'PUT', path: `${byId(experimentId)}/tags/${segment(key)}`, json: { value }, schema: experimentSchema }),
    deleteTag: (experimentId, key) => transport.request({ method: 'DELETE', path: `${byId(experimentId)}/tags/${segment(key)}`, schema: experimentSchema }),
  };
}
