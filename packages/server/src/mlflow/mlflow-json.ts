import type { Experiment, KeyValue, LoggedModel, Metric, ModelVersion, RegisteredModel, Run, RunInfo } from '@keel/spec';
import { jsonDouble } from './mlflow-wire.ts';

/** Domain objects in MLflow's snake_case JSON. */

const pairs = (list: KeyValue[]) => list.map((pair) => ({ key: pair.key, value: pair.value }));

export const experimentJson = (experiment: Experiment) => ({
  experiment_id: experiment.experimentId,
  name: experiment.name,
  artifact_location: experiment.artifactLocation,
  lifecycle_stage: experiment.lifecycleStage,
  creation_time: experiment.creationTime,
  last_update_time: experiment.lastUpdateTime,
  tags: pairs(experiment.tags),
});

export const runInfoJson = (info: RunInfo) => ({
  run_id: info.runId,
  run_uuid: info.runId,
  run_name: info.runName,
  experiment_id: info.experimentId,
  user_id: info.userId,
  status: info.status,
  start_time: info.startTime,
  ...(info.endTime === null ? {} : { end_time: info.endTime }),
  artifact_uri: info.artifactUri,
  lifecycle_stage: info.lifecycleStage,
});

export const metricJson = (metric: Metric) => ({ key: metric.key, value: jsonDouble(metric.value), timestamp: metric.timestamp, step: metric.step });

export const runJson = (run: Run) => ({
  info: runInfoJson(run.info),
  data: { metrics: run.data.metrics.map(metricJson), params: pairs(run.data.params), tags: pairs(run.data.tags) },
  inputs: {
    dataset_inputs: run.inputs.datasetInputs.map((input) => ({
      tags: pairs(input.tags),
      dataset: {
        name: input.dataset.name,
        digest: input.dataset.digest,
        source_type: input.dataset.sourceType,
        source: input.dataset.source,
        ...(input.dataset.schema === undefined ? {} : { schema: input.dataset.schema }),
        ...(input.dataset.profile === undefined ? {} : { profile: input.dataset.profile }),
      },
    })),
    model_inputs: run.inputs.modelInputs.map((model) => ({ model_id: model.modelId })),
  },
  outputs: { model_outputs: run.outputs.modelOutputs.map((model) => ({ model_id: model.modelId, step: model.step })) },
});

export const modelVersionJson = (version: ModelVersion) => ({
  name: version.name,
  version: version.version,
  creation_timestamp: version.creationTimestamp,
  last_updated_timestamp: version.lastUpdatedTimestamp,
  user_id: version.userId,
  current_stage: version.currentStage,
  description: version.description,
  source: version.source,
  run_id: version.runId,
  ...(version.modelId === '' ? {} : { model_id: version.modelId }),
  status: version.status,
  status_message: version.statusMessage,
  run_link: version.runLink,
  tags: pairs(version.tags),
  aliases: version.aliases,
});

export const registeredModelJson = (model: RegisteredModel) => ({
  name: model.name,
  creation_timestamp: model.creationTimestamp,
  last_updated_timestamp: model.lastUpdatedTimestamp,
  user_id: model.userId,
  description: model.description,
  latest_versions: model.latestVersions.map(modelVersionJson),
  tags: pairs(model.tags),
  aliases: model.aliases.map((alias) => ({ alias: alias.alias, version: alias.version })),
});

export const loggedModelJson = (model: LoggedModel) => ({
  info: {
    model_id: model.modelId,
    experiment_id: model.experimentId,
    name: model.name,
    creation_timestamp_ms: model.creationTimestamp,
    last_updated_timestamp_ms: model.lastUpdatedTimestamp,
    artifact_uri: model.artifactUri,
    status: model.status,
    creator_id: model.creatorId,
    model_type: model.modelType,
    source_run_id: model.sourceRunId,
    tags: pairs(model.tags),
  },
  data: { params: pairs(model.params), metrics: [] },
});
