import { randomUUID } from 'node:crypto';
import { expectOk, type MlflowHttp } from './mlflow-http.ts';

/**
 * Objects made through MLflow's REST API with the bodies the 3.x Python client sends, so that each
 * test can build what it needs itself instead of relying on another test having run first.
 */

/** A name no other test uses. */
export const uniqueName = (label: string): string => `${label}-${randomUUID().slice(0, 8)}`;

export async function createMlflowExperiment(client: MlflowHttp, name = uniqueName('exp')): Promise<string> {
  const { experiment_id: experimentId } = expectOk<{ experiment_id: unknown }>(await client.post('experiments/create', { name }));
  if (typeof experimentId !== 'string') throw new Error(`experiment_id is not a string: ${JSON.stringify(experimentId)}`);
  return experimentId;
}

/** The body of `mlflow.start_run()` (fluent API, 3.x client). */
export function pythonCreateRunBody(experimentId: string, runName: string, startTime = Date.now(), user = 'alice') {
  return {
    experiment_id: experimentId,
    user_id: user,
    start_time: startTime,
    tags: [
      { key: 'mlflow.user', value: user },
      { key: 'mlflow.source.name', value: 'train.py' },
      { key: 'mlflow.source.type', value: 'LOCAL' },
      { key: 'mlflow.runName', value: runName },
    ],
    run_name: runName,
  };
}

export interface MlflowRunInfoJson {
  run_id: string;
  run_uuid: string;
  run_name: string;
  experiment_id: string;
  user_id: string;
  status: string;
  start_time: number;
  end_time?: number;
  artifact_uri: string;
  lifecycle_stage: string;
}

export interface MlflowRunJson {
  info: MlflowRunInfoJson;
  data: { metrics?: { key: string; value: number | string; timestamp: number; step: number }[]; params?: { key: string; value: string }[]; tags?: { key: string; value: string }[] };
  inputs?: { dataset_inputs?: unknown[]; model_inputs?: { model_id: string }[] };
  outputs?: { model_outputs?: { model_id: string; step: number }[] };
}

export async function createMlflowRun(client: MlflowHttp, experimentId: string, runName = uniqueName('run')): Promise<MlflowRunInfoJson> {
  return expectOk<{ run: MlflowRunJson }>(await client.post('runs/create', pythonCreateRunBody(experimentId, runName))).run.info;
}

export async function getMlflowRun(client: MlflowHttp, runId: string): Promise<MlflowRunJson> {
  return expectOk<{ run: MlflowRunJson }>(await client.get('runs/get', { run_id: runId, run_uuid: runId })).run;
}

export interface MlflowLoggedModelJson {
  info: { model_id: string; experiment_id: string; name: string; artifact_uri: string; status: string; source_run_id?: string; tags?: { key: string; value: string }[]; model_type?: string };
  data: { params?: { key: string; value: string }[] };
}

/** Step 10 of the call sequence: the logged model `log_model` creates before uploading files. */
export async function createMlflowLoggedModel(client: MlflowHttp, experimentId: string, runId: string, name = 'model'): Promise<MlflowLoggedModelJson> {
  return expectOk<{ model: MlflowLoggedModelJson }>(
    await client.post('logged-models', {
      experiment_id: experimentId,
      name,
      source_run_id: runId,
      params: [{ key: 'alpha', value: '0.5' }],
      tags: [{ key: 'mlflow.source.name', value: 'train.py' }],
      model_type: 'sklearn',
    }),
  ).model;
}

export async function createMlflowRegisteredModel(client: MlflowHttp, name = uniqueName('clf')): Promise<string> {
  expectOk(await client.post('registered-models/create', { name }));
  return name;
}

export interface MlflowModelVersionJson {
  name: string;
  version: string;
  status: string;
  source: string;
  run_id: string;
  model_id?: string;
  current_stage: string;
  aliases?: string[];
  tags?: { key: string; value: string }[];
  creation_timestamp: number;
  last_updated_timestamp: number;
}

/** A run with a logged model, registered as a new version of `name` (steps 4, 10, 16). */
export async function createMlflowModelVersion(client: MlflowHttp, name: string, experimentId?: string): Promise<{ version: MlflowModelVersionJson; runId: string; modelId: string; experimentId: string }> {
  const experiment = experimentId ?? (await createMlflowExperiment(client));
  const run = await createMlflowRun(client, experiment);
  const model = await createMlflowLoggedModel(client, experiment, run.run_id);
  const version = expectOk<{ model_version: MlflowModelVersionJson }>(
    await client.post('model-versions/create', { name, source: `models:/${model.info.model_id}`, run_id: run.run_id, model_id: model.info.model_id }),
  ).model_version;
  return { version, runId: run.run_id, modelId: model.info.model_id, experimentId: experiment };
}
