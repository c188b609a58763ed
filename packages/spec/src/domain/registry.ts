import type { KeyValue } from './tracking.ts';

export type ModelVersionStatus = 'PENDING_REGISTRATION' | 'FAILED_REGISTRATION' | 'READY';

export interface ModelVersion {
  name: string;
  version: string;
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
  userId: string;
  currentStage: string;
  description: string;
  source: string;
  runId: string;
  modelId: string;
  status: ModelVersionStatus;
  statusMessage: string;
  runLink: string;
  tags: KeyValue[];
  aliases: string[];
}

export interface RegisteredModel {
  name: string;
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
  userId: string;
  description: string;
  latestVersions: ModelVersion[];
  tags: KeyValue[];
  aliases: { alias: string; version: string }[];
}

export type RegistryEventAction =
  | 'model_created'
  | 'model_renamed'
  | 'model_deleted'
  | 'version_created'
  | 'version_updated'
  | 'version_deleted'
  | 'alias_set'
  | 'alias_deleted';

export interface RegistryEvent {
  id: number;
  modelName: string;
  version: string | null;
  alias: string | null;
  action: RegistryEventAction;
  actor: string;
  at: number;
  details: Record<string, unknown>;
}

export type LoggedModelStatus = 'LOGGED_MODEL_PENDING' | 'LOGGED_MODEL_READY' | 'LOGGED_MODEL_UPLOAD_FAILED';

export interface LoggedModel {
  modelId: string;
  experimentId: string;
  name: string;
  sourceRunId: string;
  status: LoggedModelStatus;
  modelType: string;
  artifactUri: string;
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
  creatorId: string;
  tags: KeyValue[];
  params: KeyValue[];
}
