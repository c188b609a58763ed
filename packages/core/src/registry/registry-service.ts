import {
  type Experiment, type KeelStore, type KeyValue, type LoggedModel, type LoggedModelStatus, type ModelVersion, type Page, type RegisteredModel,
  type RegistryEvent, type RegistryEventAction, type Run, KeelError, notFound,
} from '@keel/spec';
import type { Clock, IdGenerator } from '../ports.ts';
import { parseOrderBy, parseSearchFilter } from '../search/index.ts';
import { validateTags } from '../tracking/tracking-limits.ts';
import { resolveModelSource } from './resolve-model-source.ts';

export interface RegistryServiceDeps {
  store: KeelStore;
  clock: Clock;
  ids: IdGenerator;
}

export interface Lineage {
  modelVersion: ModelVersion;
  run: Run | undefined;
  experiment: Experiment | undefined;
  loggedModel: LoggedModel | undefined;
}

const aliasPattern = /^[\w-]{1,255}$/;

function validateAlias(alias: string): void {
  if (!aliasPattern.test(alias)) throw new KeelError('INVALID_PARAMETER_VALUE', `Invalid alias '${alias}': use 1-255 letters, digits, '_' or '-'`);
  if (alias.toLowerCase() === 'latest' || /^v\d+$/i.test(alias)) throw new KeelError('INVALID_PARAMETER_VALUE', `The alias '${alias}' is reserved`);
}

function validateModelName(name: string): void {
  if (name.trim() === '' || name.length > 500) throw new KeelError('INVALID_PARAMETER_VALUE', 'Registered model name must be 1-500 characters');
}

export function createRegistryService({ store, clock, ids }: RegistryServiceDeps) {
  const by = (actor: string) => ({ actor, now: clock.now() });
  const requireModel = async (projectId: number, name: string): Promise<RegisteredModel> => {
    const model = await store.getRegisteredModel(projectId, name);
    if (model === undefined) throw notFound(`Registered Model with name=${name} not found`);
    return model;
  };
  const requireVersion = async (projectId: number, name: string, version: string): Promise<ModelVersion> => {
    const found = await store.getModelVersion(projectId, name, version);
    if (found === undefined) throw notFound(`Model Version (name=${name}, version=${version}) not found`);
    return found;
  };
  const search = (target: 'registered_models' | 'model_versions', input: { filter?: string | undefined; orderBy?: string[] | undefined; maxResults?: number | undefined; pageToken?: string | undefined }, fallback: number, limit: number) => {
    const maxResults = input.maxResults ?? fallback;
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > limit) throw new KeelError('INVALID_PARAMETER_VALUE', `max_results must be between 1 and ${limit}`);
    return { filter: parseSearchFilter(input.filter, target), orderBy: parseOrderBy(input.orderBy, target), maxResults, pageToken: input.pageToken };
  };

  return {
    async createRegisteredModel(projectId: number, input: { name: string; description?: string | undefined; tags?: KeyValue[] | undefined; userId?: string | undefined }, actor: string): Promise<RegisteredModel> {
      validateModelName(input.name);
      validateTags(input.tags ?? []);
      return store.createRegisteredModel(projectId, { name: input.name, description: input.description ?? '', userId: input.userId ?? '', tags: input.tags ?? [] }, by(actor));
    },
    getRegisteredModel: requireModel,
    async renameRegisteredModel(projectId: number, name: string, newName: string, actor: string): Promise<RegisteredModel> {
      validateModelName(newName);
      return store.renameRegisteredModel(projectId, name, newName, by(actor));
    },
    updateRegisteredModel: (projectId: number, name: string, description: string, actor: string) => store.updateRegisteredModel(projectId, name, description, by(actor)),
    deleteRegisteredModel: (projectId: number, name: string, actor: string) => store.deleteRegisteredModel(projectId, name, by(actor)),
    searchRegisteredModels: (projectId: number, input: { filter?: string | undefined; orderBy?: string[] | undefined; maxResults?: number | undefined; pageToken?: string | undefined }): Promise<Page<RegisteredModel>> =>
      store.searchRegisteredModels(projectId, search('registered_models', input, 100, 1000)),
    async setRegisteredModelTag(projectId: number, name: string, tag: KeyValue): Promise<void> {
      validateTags([tag]);
      await store.setRegisteredModelTag(projectId, name, tag, clock.now());
    },
    deleteRegisteredModelTag: (projectId: number, name: string, key: string) => store.deleteRegisteredModelTag(projectId, name, key),

    /**
     * A new version, READY at once. The source is a `runs:/<run>/<path>` or `models:/...` URI (resolved
     * to its run, which must be in the project) or any other URI, optionally with a run id.
     */
    async createModelVersion(
      projectId: number,
      name: string,
      input: { source: string; runId?: string | undefined; modelId?: string | undefined; description?: string | undefined; tags?: KeyValue[] | undefined; runLink?: string | undefined; userId?: string | undefined },
      actor: string,
    ): Promise<ModelVersion> {
      validateTags(input.tags ?? []);
      await requireModel(projectId, name);
      const resolved = await resolveModelSource(store, projectId, input);
      return store.createModelVersion(
        projectId,
        name,
        { source: resolved.source, runId: resolved.runId, modelId: resolved.modelId, runLink: input.runLink ?? '', description: input.description ?? '', userId: input.userId ?? '', tags: input.tags ?? [] },
        by(actor),
      );
    },
    getModelVersion: requireVersion,
    updateModelVersion: (projectId: number, name: string, version: string, update: { description?: string | undefined; stage?: string | undefined }, actor: string) =>
      store.updateModelVersion(projectId, name, version, update, by(actor)),
    deleteModelVersion: (projectId: number, name: string, version: string, actor: string) => store.deleteModelVersion(projectId, name, version, by(actor)),
    searchModelVersions: (projectId: number, input: { filter?: string | undefined; orderBy?: string[] | undefined; maxResults?: number | undefined; pageToken?: string | undefined }): Promise<Page<ModelVersion>> =>
      store.searchModelVersions(projectId, search('model_versions', input, 10_000, 200_000)),
    async setModelVersionTag(projectId: number, name: string, version: string, tag: KeyValue): Promise<void> {
      validateTags([tag]);
      await store.setModelVersionTag(projectId, name, version, tag, clock.now());
    },
    deleteModelVersionTag: (projectId: number, name: string, version: string, key: string) => store.deleteModelVersionTag(projectId, name, version, key),
    /** The latest version of each stage (stages are deprecated; most models have only 'None'). */
    async getLatestVersions(projectId: number, name: string, stages: string[]): Promise<ModelVersion[]> {
      const model = await requireModel(projectId, name);
      return stages.length === 0 ? model.latestVersions : model.latestVersions.filter((version) => stages.some((stage) => stage.toLowerCase() === version.currentStage.toLowerCase()));
    },

    async setAlias(projectId: number, name: string, alias: string, version: string, actor: string): Promise<void> {
      validateAlias(alias);
      await store.setAlias(projectId, name, alias, version, by(actor));
    },
    deleteAlias: (projectId: number, name: string, alias: string, actor: string) => store.deleteAlias(projectId, name, alias, by(actor)),
    async resolveAlias(projectId: number, name: string, alias: string): Promise<ModelVersion> {
      if (alias.toLowerCase() === 'latest') {
        const page = await store.searchModelVersions(projectId, { filter: [{ entity: 'attribute', key: 'name', operator: '=', value: name }], orderBy: [{ entity: 'attribute', key: 'version_number', ascending: false }], maxResults: 1, pageToken: undefined });
        const latest = page.items[0];
        if (latest === undefined) throw notFound(`Registered model '${name}' has no versions`);
        return latest;
      }
      const found = await store.getVersionByAlias(projectId, name, alias);
      if (found === undefined) throw notFound(`Registered model alias ${alias} not found.`);
      return found;
    },
    async history(projectId: number, name: string, options: { limit?: number | undefined; action?: RegistryEventAction | undefined }): Promise<RegistryEvent[]> {
      await requireModel(projectId, name);
      return store.listRegistryEvents(projectId, name, { limit: Math.min(options.limit ?? 100, 1000), action: options.action });
    },
    /** Version -> run -> experiment (and the logged model when there is one). */
    async lineage(projectId: number, name: string, version: string): Promise<Lineage> {
      const modelVersion = await requireVersion(projectId, name, version);
      const run = modelVersion.runId === '' ? undefined : await store.getRun(projectId, modelVersion.runId);
      const experiment = run === undefined ? undefined : await store.getExperiment(projectId, run.info.experimentId);
      const loggedModel = modelVersion.modelId === '' ? undefined : await store.getLoggedModel(projectId, modelVersion.modelId);
      return { modelVersion, run, experiment, loggedModel };
    },
    /** The artifact URI behind a version's source: a run's artifact path or a logged model's files. */
    async downloadUri(projectId: number, version: ModelVersion): Promise<string> {
      const runsMatch = /^runs:\/+([^/]+)(?:\/(.*))?$/.exec(version.source);
      if (runsMatch !== null) {
        const run = await store.getRunInfo(projectId, runsMatch[1] ?? '');
        if (run !== undefined) return [run.artifactUri, runsMatch[2] ?? ''].filter((part) => part !== '').join('/');
      }
      if (version.source.startsWith('models:/') && version.modelId !== '') {
        const model = await store.getLoggedModel(projectId, version.modelId);
        if (model !== undefined) return model.artifactUri;
      }
      return version.source;
    },
    /** Run -> the model versions registered from it. */
    async runModelVersions(projectId: number, runId: string): Promise<ModelVersion[]> {
      if ((await store.getRunInfo(projectId, runId)) === undefined) throw notFound(`Run '${runId}' not found`);
      return store.listModelVersionsForRun(projectId, runId);
    },

    /** An MLflow 3 logged model: files under `<experiment location>/models/<model_id>/artifacts`, PENDING until finalized. */
    async createLoggedModel(
      projectId: number,
      input: { experimentId: string; name?: string | undefined; sourceRunId?: string | undefined; modelType?: string | undefined; tags?: KeyValue[] | undefined; params?: KeyValue[] | undefined },
      actor: string,
    ): Promise<LoggedModel> {
      const experiment = await store.getExperiment(projectId, input.experimentId);
      if (experiment === undefined) throw notFound(`No experiment with id '${input.experimentId}'`);
      const sourceRunId = input.sourceRunId ?? '';
      if (sourceRunId !== '' && (await store.getRunInfo(projectId, sourceRunId)) === undefined) throw notFound(`Run '${sourceRunId}' not found`);
      validateTags(input.tags ?? []);
      const modelId = `m-${ids.hexId()}`;
      return store.createLoggedModel(projectId, {
        modelId,
        experimentId: experiment.experimentId,
        name: input.name ?? 'model',
        sourceRunId,
        modelType: input.modelType ?? '',
        artifactUri: `${experiment.artifactLocation.replace(/\/+$/, '')}/models/${modelId}/artifacts`,
        creatorId: actor,
        tags: input.tags ?? [],
        params: input.params ?? [],
        now: clock.now(),
      });
    },
    async getLoggedModel(projectId: number, modelId: string): Promise<LoggedModel> {
      const model = await store.getLoggedModel(projectId, modelId);
      if (model === undefined) throw notFound(`Logged model '${modelId}' not found`);
      return model;
    },
    finalizeLoggedModel: (projectId: number, modelId: string, status: LoggedModelStatus) => store.updateLoggedModelStatus(projectId, modelId, status, clock.now()),
    async setLoggedModelTags(projectId: number, modelId: string, tags: KeyValue[]): Promise<void> {
      validateTags(tags);
      await store.setLoggedModelTags(projectId, modelId, tags, clock.now());
    },
    deleteLoggedModelTag: (projectId: number, modelId: string, key: string) => store.deleteLoggedModelTag(projectId, modelId, key),
    logLoggedModelParams: (projectId: number, modelId: string, params: KeyValue[]) => store.logLoggedModelParams(projectId, modelId, params),
    deleteLoggedModel: (projectId: number, modelId: string) => store.deleteLoggedModel(projectId, modelId),
    searchLoggedModels: (projectId: number, experimentIds: string[], maxResults: number, pageToken: string | undefined) => store.searchLoggedModels(projectId, experimentIds, maxResults, pageToken),
  };
}

export type RegistryService = ReturnType<typeof createRegistryService>;
