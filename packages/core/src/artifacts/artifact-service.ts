import type { Readable } from 'node:stream';
import { type ArtifactEntry, type ArtifactStore, type KeelStore, KeelError, notFound } from '@keel/spec';
import { joinArtifactPath, normalizeArtifactPath } from './normalize-artifact-path.ts';

export interface ArtifactServiceDeps {
  store: KeelStore;
  artifacts: ArtifactStore;
  maxArtifactBytes: number;
}

/**
 * Artifacts live under `<project>/<experiment>/<run_id>/artifacts/...` and, for MLflow 3 logged
 * models, `<project>/<experiment>/models/<model_id>/artifacts/...`. Every path is checked to name a
 * run or model of the caller's project before anything is read or written.
 */
export function createArtifactService({ store, artifacts, maxArtifactBytes }: ArtifactServiceDeps) {
  /** A path as the MLflow artifact proxy sees it (`<experiment>/<run_id>/artifacts/<path>`), checked and prefixed. */
  const proxyKey = async (projectId: number, rawPath: string | undefined, allowContainer: boolean): Promise<string> => {
    const path = normalizeArtifactPath(rawPath);
    const segments = path === '' ? [] : path.split('/');
    const [experimentId, owner, third] = segments;
    if (experimentId === undefined) {
      if (allowContainer) return String(projectId);
      throw new KeelError('INVALID_PARAMETER_VALUE', 'An artifact path must start with <experiment_id>/<run_id>/artifacts');
    }
    const experiment = await store.getExperiment(projectId, experimentId);
    if (experiment === undefined) throw notFound(`No experiment with id '${experimentId}'`);
    if (owner !== undefined) {
      if (owner === 'models') {
        if (third !== undefined) {
          const model = await store.getLoggedModel(projectId, third);
          if (model === undefined || model.experimentId !== experimentId) throw notFound(`Logged model '${third}' not found`);
        } else if (!allowContainer) throw new KeelError('INVALID_PARAMETER_VALUE', 'An artifact path needs a model id after models/');
      } else {
        const run = await store.getRunInfo(projectId, owner);
        if (run === undefined || run.experimentId !== experimentId) throw notFound(`Run '${owner}' not found`);
      }
    } else if (!allowContainer) {
      throw new KeelError('INVALID_PARAMETER_VALUE', 'An artifact path must name a run or a model');
    }
    return joinArtifactPath(String(projectId), path);
  };
  const runKey = async (projectId: number, runId: string, rawPath: string | undefined): Promise<{ root: string; key: string }> => {
    const run = await store.getRunInfo(projectId, runId);
    if (run === undefined) throw notFound(`Run '${runId}' not found`);
    const root = joinArtifactPath(String(projectId), run.experimentId, runId, 'artifacts');
    return { root, key: joinArtifactPath(root, normalizeArtifactPath(rawPath)) };
  };
  const download = async (key: string, shown: string): Promise<{ body: Readable; size: number }> => {
    const file = await artifacts.get(key);
    if (file === undefined) throw notFound(`No artifact at '${shown}'`);
    return file;
  };
  const upload = async (key: string, body: Readable): Promise<{ size: number }> => artifacts.put(key, body, { maxBytes: maxArtifactBytes });
  const removed = async (key: string, shown: string): Promise<void> => {
    if (!(await artifacts.delete(key))) throw notFound(`No artifact at '${shown}'`);
  };

  return {
    async proxyUpload(projectId: number, path: string, body: Readable): Promise<{ size: number }> {
      const key = await proxyKey(projectId, path, false);
      // A file goes inside the artifacts folder of its run or model: `<exp>/<run>/artifacts/<file>` or
      // `<exp>/models/<model>/artifacts/<file>`. Anything shorter would replace that folder by a file.
      const segments = normalizeArtifactPath(path).split('/');
      const folder = segments[1] === 'models' ? 3 : 2;
      if (segments[folder] !== 'artifacts' || segments.length <= folder + 1) {
        throw new KeelError('INVALID_PARAMETER_VALUE', `Upload to a file inside a run's or model's artifacts folder (<experiment_id>/<run_id>/artifacts/<path>), not '${path}'`);
      }
      return upload(key, body);
    },
    proxyDownload: async (projectId: number, path: string) => download(await proxyKey(projectId, path, false), path),
    proxyList: async (projectId: number, path: string | undefined): Promise<ArtifactEntry[]> => artifacts.list(await proxyKey(projectId, path, true)),
    proxyDelete: async (projectId: number, path: string) => removed(await proxyKey(projectId, path, false), path),

    async runUpload(projectId: number, runId: string, path: string, body: Readable): Promise<{ size: number }> {
      if (normalizeArtifactPath(path) === '') throw new KeelError('INVALID_PARAMETER_VALUE', 'An artifact needs a file name');
      return upload((await runKey(projectId, runId, path)).key, body);
    },
    runDownload: async (projectId: number, runId: string, path: string) => download((await runKey(projectId, runId, path)).key, path),
    runList: async (projectId: number, runId: string, path: string | undefined): Promise<ArtifactEntry[]> => artifacts.list((await runKey(projectId, runId, path)).key),
    async runDelete(projectId: number, runId: string, path: string): Promise<void> {
      if (normalizeArtifactPath(path) === '') throw new KeelError('INVALID_PARAMETER_VALUE', 'Name the artifact to delete');
      await removed((await runKey(projectId, runId, path)).key, path);
    },
  };
}

export type ArtifactService = ReturnType<typeof createArtifactService>;
