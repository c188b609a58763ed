import type { Readable } from 'node:stream';
import { z } from 'zod';
import type { AppServices } from '../app-services.ts';
import { defineRoute } from '../http/route-spec.ts';
import { sendArtifact } from '../http/send-artifact.ts';

const base = '/api/2.0/mlflow-artifacts/artifacts';
const pathParams = z.object({ '*': z.string() });

/** MLflow's artifact proxy: paths are `<experiment_id>/<run_id>/artifacts/...` inside the caller's project. */
export function mlflowArtifactRoutes({ artifacts, metrics }: AppServices) {
  return [
    defineRoute({
      method: 'PUT', url: `${base}/*`, access: 'write', api: 'mlflow', summary: 'Upload an artifact (raw body)', rawBody: true,
      params: pathParams,
      handler: async ({ principal, params, request }) => {
        const { size } = await artifacts.proxyUpload(principal.projectId, params['*'], request.body as Readable);
        metrics.ingested('artifact_bytes', size);
        return {};
      },
    }),
    defineRoute({
      method: 'GET', url: `${base}/*`, access: 'read', api: 'mlflow', summary: 'Download an artifact (streamed)',
      params: pathParams,
      handler: async ({ principal, params, reply }) => sendArtifact(reply, params['*'], await artifacts.proxyDownload(principal.projectId, params['*'])),
    }),
    defineRoute({
      method: 'DELETE', url: `${base}/*`, access: 'write', api: 'mlflow', summary: 'Delete an artifact or a directory',
      params: pathParams,
      handler: async ({ principal, params }) => {
        await artifacts.proxyDelete(principal.projectId, params['*']);
        return {};
      },
    }),
    defineRoute({
      method: 'GET', url: base, access: 'read', api: 'mlflow', summary: 'List artifacts under a path',
      query: z.object({ path: z.string().optional() }),
      handler: async ({ principal, query }) => {
        const files = await artifacts.proxyList(principal.projectId, query.path);
        return { files: files.map((file) => ({ path: file.path, is_dir: file.isDir, ...(file.fileSize === undefined ? {} : { file_size: file.fileSize }) })) };
      },
    }),
  ];
}
