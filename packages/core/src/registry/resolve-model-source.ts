import { type KeelStore, KeelError, notFound } from '@keel/spec';

export interface ResolvedSource {
  source: string;
  runId: string;
  modelId: string;
}

/**
 * Where a new model version comes from. `runs:/<run_id>/<path>` names a run of the project;
 * `models:/<model_id>` a logged model; `models:/<name>/<version>` another version (its run carries
 * over); any other URI is kept as given. A run id given alongside must also be in the project.
 */
export async function resolveModelSource(store: KeelStore, projectId: number, input: { source: string; runId?: string | undefined; modelId?: string | undefined }): Promise<ResolvedSource> {
  const source = input.source.trim();
  if (source === '') throw new KeelError('INVALID_PARAMETER_VALUE', 'A model version needs a source (runs:/<run_id>/<path>, models:/..., or an artifact URI)');
  let runId = input.runId ?? '';
  let modelId = input.modelId ?? '';
  const runsMatch = /^runs:\/+([^/]+)(?:\/(.*))?$/.exec(source);
  if (runsMatch !== null) {
    runId = runsMatch[1] ?? '';
  } else if (source.startsWith('models:/')) {
    const rest = source.slice('models:/'.length).replace(/^\/+/, '');
    const [first, second] = rest.split('/');
    if (first === undefined || first === '') throw new KeelError('INVALID_PARAMETER_VALUE', `Invalid model URI '${source}'`);
    if (second === undefined || second === '') {
      const logged = await store.getLoggedModel(projectId, first);
      if (logged === undefined) throw notFound(`Logged model '${first}' not found`);
      modelId = logged.modelId;
      if (runId === '') runId = logged.sourceRunId;
    } else {
      const version = await store.getModelVersion(projectId, first, second);
      if (version === undefined) throw notFound(`Model Version (name=${first}, version=${second}) not found`);
      if (runId === '') runId = version.runId;
      if (modelId === '') modelId = version.modelId;
    }
  }
  if (runId !== '' && (await store.getRunInfo(projectId, runId)) === undefined) throw notFound(`Run '${runId}' not found`);
  // A model id the caller gave must name a logged model of the project, whatever the source (ids of
  // another project answer 404); ids resolved above came from this project's own records.
  const givenModelId = input.modelId ?? '';
  if (givenModelId !== '' && modelId === givenModelId && (await store.getLoggedModel(projectId, givenModelId)) === undefined) {
    throw notFound(`Logged model '${givenModelId}' not found`);
  }
  return { source, runId, modelId };
}
