import { type Experiment, type Page, type Run, type WireModelVersion, type WireRegisteredModel, lineageSchema, modelVersionPageSchema, modelVersionSchema, registeredModelPageSchema, registeredModelSchema, registryEventSchema } from '@keel/spec';
import { z } from 'zod';
import { type Transport, segment } from './create-transport.ts';
import { fromWireRun } from './from-wire-run.ts';
import { type KeyValues, toKeyValues } from './to-key-values.ts';

export type RegisteredModel = WireRegisteredModel;
export type ModelVersion = WireModelVersion;
export type RegistryEvent = z.infer<typeof registryEventSchema>;

export interface Lineage {
  modelVersion: ModelVersion;
  run: Run | null;
  experiment: Experiment | null;
}

export interface SearchModelsOptions {
  filter?: string;
  orderBy?: string[];
  maxResults?: number;
  pageToken?: string;
}

interface VersionDetails {
  description?: string;
  tags?: KeyValues;
}

/** A version comes from a run's artifact folder, or from any source URI (runs:/, models:/, s3://...). */
export type CreateVersionInput = (VersionDetails & { runId: string; artifactPath?: string; source?: undefined }) | (VersionDetails & { source: string; runId?: string });

export interface RegistryApi {
  createModel(input: { name: string; description?: string; tags?: KeyValues }): Promise<RegisteredModel>;
  getModel(name: string): Promise<RegisteredModel>;
  searchModels(options?: SearchModelsOptions): Promise<Page<RegisteredModel>>;
  renameModel(name: string, newName: string): Promise<RegisteredModel>;
  describeModel(name: string, description: string): Promise<RegisteredModel>;
  deleteModel(name: string): Promise<void>;
  createVersion(name: string, input: CreateVersionInput): Promise<ModelVersion>;
  getVersion(name: string, version: string | number): Promise<ModelVersion>;
  /** Newest first. */
  listVersions(name: string, options?: SearchModelsOptions): Promise<Page<ModelVersion>>;
  /** Points `alias` at `version` (a deploy, or a rollback); returns the version it now names. */
  setAlias(name: string, alias: string, version: string | number): Promise<ModelVersion>;
  resolveAlias(name: string, alias: string): Promise<ModelVersion>;
  deleteAlias(name: string, alias: string): Promise<void>;
  /** Who changed versions and aliases, and when; newest first. */
  history(name: string, options?: { limit?: number; action?: string }): Promise<RegistryEvent[]>;
  /** Version -> run -> experiment. */
  lineage(name: string, version: string | number): Promise<Lineage>;
}

const base = '/api/v1/models';
const deletedSchema = z.object({ deleted: z.string() });
const historySchema = z.object({ items: z.array(registryEventSchema) });

export function createRegistryApi(transport: Transport): RegistryApi {
  const model = (name: string) => `${base}/${segment(name)}`;
  const version = (name: string, number: string | number) => `${model(name)}/versions/${segment(String(number))}`;
  const alias = (name: string, aliasName: string) => `${model(name)}/aliases/${segment(aliasName)}`;
  return {
    createModel: (input) => transport.request({ method: 'POST', path: base, json: { name: input.name, description: input.description, tags: toKeyValues(input.tags) }, schema: registeredModelSchema }),
    getModel: (name) => transport.request({ method: 'GET', path: model(name), schema: registeredModelSchema }),
    async searchModels(options = {}) {
      const page = await transport.request({ method: 'GET', path: base, query: { ...options }, schema: registeredModelPageSchema });
      return { items: page.items, nextPageToken: page.nextPageToken };
    },
    renameModel: (name, newName) => transport.request({ method: 'PATCH', path: model(name), json: { name: newName }, schema: registeredModelSchema }),
    describeModel: (name, description) => transport.request({ method: 'PATCH', path: model(name), json: { description }, schema: registeredModelSchema }),
    async deleteModel(name) {
      await transport.request({ method: 'DELETE', path: model(name), schema: deletedSchema });
    },
    createVersion: (name, input) =>
      transport.request({
        method: 'POST',
        path: `${model(name)}/versions`,
        json: { source: input.source, runId: input.runId, artifactPath: 'artifactPath' in input ? input.artifactPath : undefined, description: input.description, tags: toKeyValues(input.tags) },
        schema: modelVersionSchema,
      }),
    getVersion: (name, number) => transport.request({ method: 'GET', path: version(name, number), schema: modelVersionSchema }),
    async listVersions(name, options = {}) {
      const page = await transport.request({ method: 'GET', path: `${model(name)}/versions`, query: { ...options }, schema: modelVersionPageSchema });
      return { items: page.items, nextPageToken: page.nextPageToken };
    },
    setAlias: (name, aliasName, number) => transport.request({ method: 'PUT', path: alias(name, aliasName), json: { version: String(number) }, schema: modelVersionSchema }),
    resolveAlias: (name, aliasName) => transport.request({ method: 'GET', path: alias(name, aliasName), schema: modelVersionSchema }),
    async deleteAlias(name, aliasName) {
      await transport.request({ method: 'DELETE', path: alias(name, aliasName), schema: deletedSchema });
    },
    async history(name, options = {}) {
      return (await transport.request({ method: 'GET', path: `${model(name)}/history`, query: { ...options }, schema: historySchema })).items;
    },
    async lineage(name, number) {
      const answer = await transport.request({ method: 'GET', path: `${version(name, number)}/lineage`, schema: lineageSchema });
      return { modelVersion: answer.modelVersion, run: answer.run === null ? null : fromWireRun(answer.run), experiment: answer.experiment, loggedModel: answer.loggedModel };
    },
  };
}
