import { type KeyValue, type Metric, type Page, type Run, type RunStatus, type ViewType, artifactListSchema, metricPageSchema, runPageSchema, runSchema, toWireValue } from '@keel/spec';
import { z } from 'zod';
import { type Transport, artifactSegments, segment } from './create-transport.ts';
import { fromWireMetric, fromWireRun } from './from-wire-run.ts';
import { KeelApiError } from './keel-api-error.ts';
import type { ArtifactSource, ProgressListener } from './to-upload-body.ts';
import { type KeyValues, toKeyValues } from './to-key-values.ts';

export interface MetricInput {
  key: string;
  /** NaN and +/-Infinity are kept. */
  value: number;
  /** Milliseconds since the epoch. */
  timestamp: number;
  step?: number;
}

export interface SearchRunsOptions {
  experimentIds: string[];
  filter?: string;
  orderBy?: string[];
  viewType?: ViewType;
  maxResults?: number;
  pageToken?: string;
}

export interface MetricHistoryOptions {
  /** Downsample on the server to about this many points, keeping the extremes. */
  maxPoints?: number;
  maxResults?: number;
  pageToken?: string;
  startStep?: number;
  endStep?: number;
}

export interface ArtifactEntry {
  path: string;
  isDir: boolean;
  fileSize?: number | undefined;
}

export interface DownloadOptions {
  onProgress?: ProgressListener;
}

export interface DownloadedFile {
  path: string;
  size: number;
}

export interface RunsApi {
  create(input: { experimentId: string; runName?: string; startTime?: number; tags?: KeyValues }): Promise<Run>;
  search(options: SearchRunsOptions): Promise<Page<Run>>;
  get(runId: string): Promise<Run>;
  update(runId: string, update: { status?: RunStatus; endTime?: number; runName?: string }): Promise<Run>;
  delete(runId: string): Promise<Run>;
  restore(runId: string): Promise<Run>;
  /** One transaction: at most 1000 metrics, 100 params and 100 tags (1000 items in all). */
  logBatch(runId: string, batch: { metrics?: readonly MetricInput[]; params?: KeyValues; tags?: KeyValues }): Promise<{ metrics: number; params: number; tags: number }>;
  setTag(runId: string, key: string, value: string): Promise<void>;
  deleteTag(runId: string, key: string): Promise<Run>;
  metricHistory(runId: string, key: string, options?: MetricHistoryOptions): Promise<Page<Metric>>;
  /** One level under `artifactPath`; entry paths are relative to the run's artifact root. */
  listArtifacts(runId: string, artifactPath?: string): Promise<ArtifactEntry[]>;
  /** A string `source` names a local file, streamed from disk. */
  uploadArtifact(runId: string, artifactPath: string, source: ArtifactSource, options?: { onProgress?: ProgressListener }): Promise<{ path: string; size: number }>;
  /** The artifact's bytes as a web stream; the caller must read or cancel it. */
  downloadArtifact(runId: string, artifactPath: string, options?: DownloadOptions): Promise<ReadableStream<Uint8Array>>;
  /** Streams the artifact to the local file `options.to` (parent folders are created). */
  downloadArtifact(runId: string, artifactPath: string, options: DownloadOptions & { to: string }): Promise<DownloadedFile>;
  deleteArtifact(runId: string, artifactPath: string): Promise<void>;
}

const base = '/api/v1/runs';
const logResultSchema = z.object({ metrics: z.number(), params: z.number(), tags: z.number() });
const uploadResultSchema = z.object({ path: z.string(), size: z.number() });
const deletedSchema = z.object({ deleted: z.string() });

function contentLength(response: Response): number | undefined {
  const header = response.headers.get('content-length');
  const value = header === null ? Number.NaN : Number(header);
  return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

function countingStream(body: ReadableStream<Uint8Array>, total: number | undefined, onProgress: ProgressListener): ReadableStream<Uint8Array> {
  let bytes = 0;
  onProgress({ bytes, total });
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        bytes += chunk.byteLength;
        onProgress({ bytes, total });
        controller.enqueue(chunk);
      },
    }),
  );
}

export function createRunsApi(transport: Transport): RunsApi {
  const byId = (runId: string) => `${base}/${segment(runId)}`;
  const getRun = async (runId: string): Promise<Run> => fromWireRun(await transport.request({ method: 'GET', path: byId(runId), schema: runSchema }));
  const logBatch: RunsApi['logBatch'] = (runId, batch) =>
    transport.request({
      method: 'POST',
      path: `${byId(runId)}/log`,
      // Metrics already stored are skipped, params take the same value again, tags are overwritten.
      idempotent: true,
      json: {
        metrics: batch.metrics?.map((metric) => ({ key: metric.key, value: toWireValue(metric.value), timestamp: metric.timestamp, step: metric.step ?? 0 })),
        params: toKeyValues(batch.params),
        tags: toKeyValues(batch.tags),
      },
      schema: logResultSchema,
    });

  const openDownload = async (runId: string, artifactPath: string, onProgress: ProgressListener | undefined) => {
    const response = await transport.send({ method: 'GET', path: `${byId(runId)}/artifacts/${artifactSegments(artifactPath)}` });
    if (response.body === null) throw new KeelApiError({ code: 'INTERNAL_ERROR', status: response.status, retryable: false, message: `Download of '${artifactPath}' came back without a body` });
    const total = contentLength(response);
    return { body: onProgress === undefined ? response.body : countingStream(response.body, total, onProgress), total };
  };

  async function downloadArtifact(runId: string, artifactPath: string, options?: DownloadOptions): Promise<ReadableStream<Uint8Array>>;
  async function downloadArtifact(runId: string, artifactPath: string, options: DownloadOptions & { to: string }): Promise<DownloadedFile>;
  async function downloadArtifact(runId: string, artifactPath: string, options: DownloadOptions & { to?: string } = {}): Promise<ReadableStream<Uint8Array> | DownloadedFile> {
    const { body, total } = await openDownload(runId, artifactPath, options.onProgress);
    if (options.to === undefined) return body;
    // Node-only (files): loaded on first use, so the client also runs in browsers.
    const { saveDownload } = await import('./save-download.ts');
    return saveDownload(body, options.to, total, artifactPath);
  }

  return {
    create: async (input) =>
      fromWireRun(await transport.request({ method: 'POST', path: base, json: { experimentId: input.experimentId, runName: input.runName, startTime: input.startTime, tags: toKeyValues(input.tags) }, schema: runSchema })),
    async search(options) {
      const page = await transport.request({ method: 'POST', path: `${base}/search`, json: options, schema: runPageSchema, idempotent: true });
      return { items: page.items.map(fromWireRun), nextPageToken: page.nextPageToken };
    },
    get: getRun,
    update: async (runId, update) => fromWireRun(await transport.request({ method: 'PATCH', path: byId(runId), json: update, schema: runSchema })),
    delete: async (runId) => fromWireRun(await transport.request({ method: 'DELETE', path: byId(runId), schema: runSchema })),
    restore: async (runId) => fromWireRun(await transport.request({ method: 'POST', path: `${byId(runId)}/restore`, json: {}, schema: runSchema, idempotent: true })),
    logBatch,
    async setTag(runId, key, value) {
      const tags: KeyValue[] = [{ key, value }];
      await logBatch(runId, { tags });
    },
    deleteTag: async (runId, key) => fromWireRun(await transport.request({ method: 'DELETE', path: `${byId(runId)}/tags/${segment(key)}`, schema: runSchema })),
    async metricHistory(runId, key, options = {}) {
      const page = await transport.request({ method: 'GET', path: `${byId(runId)}/metrics/${segment(key)}`, query: { ...options }, schema: metricPageSchema });
      return { items: page.items.map(fromWireMetric), nextPageToken: page.nextPageToken };
    },
    async listArtifacts(runId, artifactPath) {
      const answer = await transport.request({ method: 'GET', path: `${byId(runId)}/artifacts`, query: { path: artifactPath }, schema: artifactListSchema });
      // The wire names entries relative to the listed folder; callers get paths they can download.
      const folder = (artifactPath ?? '').replace(/^\/+|\/+$/g, '');
      return answer.files.map((file) => ({ ...file, path: folder === '' ? file.path : `${folder}/${file.path}` }));
    },
    async uploadArtifact(runId, artifactPath, source, options = {}) {
      const target = `${byId(runId)}/artifacts/${artifactSegments(artifactPath)}`;
      const { toUploadBody } = await import('./to-upload-body.ts');
      const upload = await toUploadBody(source, options.onProgress);
      return transport.request({ method: 'PUT', path: target, body: upload.factory, retry: upload.replayable, schema: uploadResultSchema });
    },
    downloadArtifact,
    async deleteArtifact(runId, artifactPath) {
      await transport.request({ method: 'DELETE', path: `${byId(runId)}/artifacts/${artifactSegments(artifactPath)}`, schema: deletedSchema });
    },
  };
}
