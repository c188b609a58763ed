import { type DatasetInput, type Experiment, type KeelStore, type KeyValue, type Metric, type Page, type Run, type RunInfo, type RunStatus, type ViewType, KeelError, notFound } from '@keel/spec';
import type { Clock, IdGenerator } from '../ports.ts';
import { parseOrderBy, parseSearchFilter } from '../search/index.ts';
import { defaultRunName } from './default-run-name.ts';
import { validateBatchSize, validateExperimentName, validateMetrics, validateParams, validateTags } from './tracking-limits.ts';

export interface TrackingServiceDeps {
  store: KeelStore;
  clock: Clock;
  ids: IdGenerator;
}

export interface SearchRunsInput {
  experimentIds: string[];
  filter?: string | undefined;
  orderBy?: string[] | undefined;
  viewType?: ViewType | undefined;
  maxResults?: number | undefined;
  pageToken?: string | undefined;
}

export interface MetricHistoryInput {
  maxResults?: number | undefined;
  pageToken?: string | undefined;
  /** When set, the history is downsampled on the server to about this many points, keeping extremes. */
  maxPoints?: number | undefined;
  startStep?: number | undefined;
  endStep?: number | undefined;
}

const maxSearchResults = 50_000;
const maxHistoryPage = 25_000;

function checkPageSize(value: number | undefined, fallback: number, limit: number, what: string): number {
  const size = value ?? fallback;
  if (!Number.isInteger(size) || size < 1 || size > limit) throw new KeelError('INVALID_PARAMETER_VALUE', `${what} must be an integer between 1 and ${limit}, got ${size}`);
  return size;
}

export function createTrackingService({ store, clock, ids }: TrackingServiceDeps) {
  const requireExperiment = async (projectId: number, experimentId: string): Promise<Experiment> => {
    const experiment = await store.getExperiment(projectId, experimentId);
    if (experiment === undefined) throw notFound(`No experiment with id '${experimentId}'`);
    return experiment;
  };
  const requireRun = async (projectId: number, runId: string): Promise<Run> => {
    const run = await store.getRun(projectId, runId);
    if (run === undefined) throw notFound(`Run '${runId}' not found`);
    return run;
  };
  // A model id names a logged model of the project; one of another project must not be linked (404, nothing stored).
  const requireLoggedModels = async (projectId: number, modelIds: readonly string[]): Promise<void> => {
    for (const modelId of new Set(modelIds)) {
      if ((await store.getLoggedModel(projectId, modelId)) === undefined) throw notFound(`Logged model '${modelId}' not found`);
    }
  };
  const logBatch = async (projectId: number, runId: string, batch: { metrics?: Metric[]; params?: KeyValue[]; tags?: KeyValue[] }): Promise<void> => {
    const metrics = batch.metrics ?? [];
    const params = batch.params ?? [];
    const tags = batch.tags ?? [];
    validateBatchSize(metrics.length, params.length, tags.length);
    validateMetrics(metrics);
    validateParams(params);
    validateTags(tags);
    await store.logBatch(projectId, runId, { metrics, params, tags });
  };

  return {
    async createExperiment(projectId: number, input: { name: string; artifactLocation?: string | undefined; tags?: KeyValue[] | undefined }): Promise<string> {
      validateExperimentName(input.name);
      validateTags(input.tags ?? []);
      const location = input.artifactLocation;
      return store.createExperiment(projectId, {
        name: input.name,
        artifactLocation: location === undefined || location === '' ? (id) => `mlflow-artifacts:/${id}` : location,
        tags: input.tags ?? [],
        now: clock.now(),
      });
    },
    getExperiment: requireExperiment,
    async getExperimentByName(projectId: number, name: string): Promise<Experiment> {
      const experiment = await store.getExperimentByName(projectId, name);
      if (experiment === undefined) throw notFound(`Could not find experiment with name '${name}'`);
      return experiment;
    },
    searchExperiments: (projectId: number, input: { filter?: string | undefined; orderBy?: string[] | undefined; viewType?: ViewType | undefined; maxResults?: number | undefined; pageToken?: string | undefined }): Promise<Page<Experiment>> =>
      store.searchExperiments(projectId, {
        filter: parseSearchFilter(input.filter, 'experiments'),
        orderBy: parseOrderBy(input.orderBy, 'experiments'),
        viewType: input.viewType ?? 'ACTIVE_ONLY',
        maxResults: checkPageSize(input.maxResults, 1000, maxSearchResults, 'max_results'),
        pageToken: input.pageToken,
      }),
    async renameExperiment(projectId: number, experimentId: string, name: string): Promise<void> {
      validateExperimentName(name);
      await store.renameExperiment(projectId, experimentId, name, clock.now());
    },
    deleteExperiment: (projectId: number, experimentId: string) => store.setExperimentLifecycle(projectId, experimentId, 'deleted', clock.now()),
    restoreExperiment: (projectId: number, experimentId: string) => store.setExperimentLifecycle(projectId, experimentId, 'active', clock.now()),
    async setExperimentTag(projectId: number, experimentId: string, tag: KeyValue): Promise<void> {
      validateTags([tag]);
      await store.setExperimentTag(projectId, experimentId, tag, clock.now());
    },
    deleteExperimentTag: (projectId: number, experimentId: string, key: string) => store.deleteExperimentTag(projectId, experimentId, key),

    async createRun(projectId: number, input: { experimentId: string; runName?: string | undefined; userId?: string | undefined; startTime?: number | undefined; tags?: KeyValue[] | undefined }): Promise<Run> {
      const tags = input.tags ?? [];
      validateTags(tags);
      const experiment = await requireExperiment(projectId, input.experimentId);
      const runName = input.runName !== undefined && input.runName !== '' ? input.runName : (tags.find((tag) => tag.key === 'mlflow.runName')?.value ?? defaultRunName(ids));
      const userId = input.userId ?? tags.find((tag) => tag.key === 'mlflow.user')?.value ?? '';
      return store.createRun(projectId, {
        runId: ids.hexId(),
        experimentId: input.experimentId,
        runName,
        userId,
        startTime: input.startTime ?? clock.now(),
        tags: tags.map((tag) => (tag.key === 'mlflow.runName' ? { key: tag.key, value: runName } : tag)),
        artifactUri: (_experimentId, runId) => `${experiment.artifactLocation.replace(/\/+$/, '')}/${runId}/artifacts`,
      });
    },
    getRun: requireRun,
    updateRun: (projectId: number, runId: string, update: { status?: RunStatus | undefined; endTime?: number | undefined; runName?: string | undefined }): Promise<RunInfo> =>
      store.updateRun(projectId, runId, update),
    deleteRun: (projectId: number, runId: string) => store.setRunLifecycle(projectId, runId, 'deleted', clock.now()),
    restoreRun: (projectId: number, runId: string) => store.setRunLifecycle(projectId, runId, 'active', clock.now()),
    logBatch,
    deleteRunTag: (projectId: number, runId: string, key: string) => store.deleteRunTag(projectId, runId, key),
    async logInputs(projectId: number, runId: string, datasets: DatasetInput[], modelIds: string[]): Promise<void> {
      for (const input of datasets) {
        if (input.dataset.name === '' || input.dataset.name.length > 500) throw new KeelError('INVALID_PARAMETER_VALUE', 'Dataset name must be 1-500 characters');
        if (input.dataset.digest === '' || input.dataset.digest.length > 36) throw new KeelError('INVALID_PARAMETER_VALUE', 'Dataset digest must be 1-36 characters');
        validateTags(input.tags);
      }
      await requireLoggedModels(projectId, modelIds);
      await store.logInputs(projectId, runId, datasets, modelIds);
    },
    async logOutputs(projectId: number, runId: string, models: { modelId: string; step: number }[]): Promise<void> {
      await requireLoggedModels(projectId, models.map((model) => model.modelId));
      await store.logOutputs(projectId, runId, models);
    },
    async searchRuns(projectId: number, input: SearchRunsInput): Promise<Page<Run>> {
      if (input.experimentIds.length === 0) throw new KeelError('INVALID_PARAMETER_VALUE', 'experiment_ids must name at least one experiment');
      return store.searchRuns(projectId, {
        experimentIds: input.experimentIds,
        filter: parseSearchFilter(input.filter, 'runs'),
        orderBy: parseOrderBy(input.orderBy, 'runs'),
        viewType: input.viewType ?? 'ACTIVE_ONLY',
        maxResults: checkPageSize(input.maxResults, 1000, maxSearchResults, 'max_results'),
        pageToken: input.pageToken,
      });
    },
    async getMetricHistory(projectId: number, runId: string, key: string, input: MetricHistoryInput): Promise<Page<Metric>> {
      if (input.maxPoints !== undefined) {
        const maxPoints = checkPageSize(input.maxPoints, 1000, 100_000, 'max_points');
        const items = await store.getDownsampledMetric(projectId, runId, key, maxPoints, { startStep: input.startStep, endStep: input.endStep });
        return { items, nextPageToken: undefined };
      }
      return store.getMetricHistory(projectId, runId, key, {
        maxResults: checkPageSize(input.maxResults, maxHistoryPage, maxHistoryPage, 'max_results'),
        pageToken: input.pageToken,
        startStep: input.startStep,
        endStep: input.endStep,
      });
    },
  };
}

export type TrackingService = ReturnType<typeof createTrackingService>;
