import type { LoggedModel, LoggedModelStatus, ModelVersion, RegisteredModel, RegistryEvent, RegistryEventAction } from '../domain/registry.ts';
import type { SearchComparison, OrderByClause } from '../domain/search.ts';
import type { KeyValue, Page } from '../domain/tracking.ts';

export interface RegistryActor {
  /** The API key id that made the change. */
  actor: string;
  now: number;
}

export interface NewModelVersion {
  source: string;
  runId: string;
  modelId: string;
  runLink: string;
  description: string;
  userId: string;
  tags: KeyValue[];
}

export interface RegistrySearch {
  filter: SearchComparison[];
  orderBy: OrderByClause[];
  maxResults: number;
  pageToken: string | undefined;
}

export interface NewLoggedModel {
  modelId: string;
  experimentId: string;
  name: string;
  sourceRunId: string;
  modelType: string;
  artifactUri: string;
  creatorId: string;
  tags: KeyValue[];
  params: KeyValue[];
  now: number;
}

export interface RegistryStore {
  createRegisteredModel(projectId: number, model: { name: string; description: string; userId: string; tags: KeyValue[] }, by: RegistryActor): Promise<RegisteredModel>;
  getRegisteredModel(projectId: number, name: string): Promise<RegisteredModel | undefined>;
  renameRegisteredModel(projectId: number, name: string, newName: string, by: RegistryActor): Promise<RegisteredModel>;
  updateRegisteredModel(projectId: number, name: string, description: string, by: RegistryActor): Promise<RegisteredModel>;
  deleteRegisteredModel(projectId: number, name: string, by: RegistryActor): Promise<void>;
  searchRegisteredModels(projectId: number, search: RegistrySearch): Promise<Page<RegisteredModel>>;
  setRegisteredModelTag(projectId: number, name: string, tag: KeyValue, now: number): Promise<void>;
  deleteRegisteredModelTag(projectId: number, name: string, key: string): Promise<void>;

  createModelVersion(projectId: number, name: string, version: NewModelVersion, by: RegistryActor): Promise<ModelVersion>;
  getModelVersion(projectId: number, name: string, version: string): Promise<ModelVersion | undefined>;
  updateModelVersion(projectId: number, name: string, version: string, update: { description?: string | undefined; stage?: string | undefined }, by: RegistryActor): Promise<ModelVersion>;
  deleteModelVersion(projectId: number, name: string, version: string, by: RegistryActor): Promise<void>;
  searchModelVersions(projectId: number, search: RegistrySearch): Promise<Page<ModelVersion>>;
  setModelVersionTag(projectId: number, name: string, version: string, tag: KeyValue, now: number): Promise<void>;
  deleteModelVersionTag(projectId: number, name: string, version: string, key: string): Promise<void>;
  /** Model versions whose run is `runId`: lineage from a run to the registry. */
  listModelVersionsForRun(projectId: number, runId: string): Promise<ModelVersion[]>;

  setAlias(projectId: number, name: string, alias: string, version: string, by: RegistryActor): Promise<void>;
  deleteAlias(projectId: number, name: string, alias: string, by: RegistryActor): Promise<void>;
  getVersionByAlias(projectId: number, name: string, alias: string): Promise<ModelVersion | undefined>;
  listRegistryEvents(projectId: number, name: string, options: { limit: number; action?: RegistryEventAction | undefined }): Promise<RegistryEvent[]>;

  createLoggedModel(projectId: number, model: NewLoggedModel): Promise<LoggedModel>;
  getLoggedModel(projectId: number, modelId: string): Promise<LoggedModel | undefined>;
  updateLoggedModelStatus(projectId: number, modelId: string, status: LoggedModelStatus, now: number): Promise<LoggedModel>;
  setLoggedModelTags(projectId: number, modelId: string, tags: KeyValue[], now: number): Promise<void>;
  deleteLoggedModelTag(projectId: number, modelId: string, key: string): Promise<void>;
  logLoggedModelParams(projectId: number, modelId: string, params: KeyValue[]): Promise<void>;
  deleteLoggedModel(projectId: number, modelId: string): Promise<void>;
  searchLoggedModels(projectId: number, experimentIds: string[], maxResults: number, pageToken: string | undefined): Promise<Page<LoggedModel>>;
}
