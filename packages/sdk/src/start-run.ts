import path from 'node:path';
import { type KeyValue, type RunStatus, KeelError, hasErrorCode } from '@keel/spec';
import { checkTrackingKey } from './check-tracking-key.ts';
import { type KeelClient, type KeelClientOptions, createKeelClient } from './create-keel-client.ts';
import { createMetricBuffer } from './create-metric-buffer.ts';
import { isKeelApiError } from './keel-api-error.ts';
import type { KeyValues } from './to-key-values.ts';

export type ParamValue = string | number | boolean;

export interface StartRunOptions {
  experimentId?: string;
  /** Used when no experimentId is given; the experiment is created if missing (default 'Default'). */
  experimentName?: string;
  runName?: string;
  tags?: KeyValues;
  /** How often buffered metrics go out in the background (default 1000 ms). */
  flushIntervalMs?: number;
  /** Metrics per request, at most 1000 (default 1000). */
  batchSize?: number;
  /** Milliseconds since the epoch, for metric timestamps and the end time; injected for tests. */
  now?: () => number;
}

export interface RunHandle {
  readonly runId: string;
  readonly experimentId: string;
  readonly client: KeelClient;
  /** Sent at once: params are write-once, so a conflicting value is an error the caller should see. */
  logParam(key: string, value: ParamValue): Promise<void>;
  logParams(params: Readonly<Record<string, ParamValue>>): Promise<void>;
  /** Buffered and sent in batches in the background; see `flush()`. */
  logMetric(key: string, value: number, step?: number): void;
  logMetrics(values: Readonly<Record<string, number>>, step?: number): void;
  /** Sends buffered metrics; rejects with any failure of a background send not yet reported. */
  flush(): Promise<void>;
  setTag(key: string, value: string): Promise<void>;
  setTags(tags: Readonly<Record<string, string>>): Promise<void>;
  /** Uploads a local file (streamed) to `artifactPath` in the run, by default the file's name. */
  logArtifact(localPath: string, artifactPath?: string): Promise<{ path: string; size: number }>;
  /** Flushes, then records the status (default FINISHED) and the end time. */
  end(status?: RunStatus): Promise<void>;
}

const maxParamsPerBatch = 100;

async function resolveExperimentId(client: KeelClient, options: StartRunOptions): Promise<string> {
  if (options.experimentId !== undefined) return options.experimentId;
  const name = options.experimentName ?? 'Default';
  try {
    return (await client.experiments.getByName(name)).experimentId;
  } catch (error) {
    if (!hasErrorCode(error, 'RESOURCE_DOES_NOT_EXIST')) throw error;
  }
  try {
    return (await client.experiments.create({ name })).experimentId;
  } catch (error) {
    // Another process created it between our look-up and our create.
    if (!hasErrorCode(error, 'ALREADY_EXISTS')) throw error;
    return (await client.experiments.getByName(name)).experimentId;
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let index = 0; index < items.length; index += size) out.push(items.slice(index, index + size));
  return out;
}

function checkStep(step: number, key: string): void {
  if (!Number.isSafeInteger(step)) throw new KeelError('INVALID_PARAMETER_VALUE', `Metric '${key}' has an invalid step ${step}: an integer is required`);
}

/**
 * Starts a run (in an experiment found or created by name) and returns a handle that logs to it.
 * Call `end()` (or at least `flush()`) before the process exits: the flush timer does not keep the
 * process alive, so metrics still buffered then are lost.
 */
export async function startRun(clientOrOptions: KeelClient | KeelClientOptions, options: StartRunOptions = {}): Promise<RunHandle> {
  const client = 'runs' in clientOrOptions ? clientOrOptions : createKeelClient(clientOrOptions);
  const now = options.now ?? Date.now;
  const experimentId = await resolveExperimentId(client, options);
  const run = await client.runs.create({ experimentId, runName: options.runName, tags: options.tags, startTime: now() });
  const runId = run.info.runId;
  const metrics = createMetricBuffer({
    send: async (batch) => {
      await client.runs.logBatch(runId, { metrics: batch });
    },
    isRetryable: (error) => isKeelApiError(error) && error.retryable,
    batchSize: options.batchSize,
    flushIntervalMs: options.flushIntervalMs,
  });
  let ended = false;
  const checkOpen = () => {
    if (ended) throw new KeelError('BAD_REQUEST', `Run ${runId} has ended; start a new run to log more`);
  };

  const logParams = async (values: Readonly<Record<string, ParamValue>>) => {
    checkOpen();
    const params: KeyValue[] = Object.entries(values).map(([key, value]) => ({ key, value: String(value) }));
    for (const param of params) checkTrackingKey(param.key, 'Param');
    for (const batch of chunks(params, maxParamsPerBatch)) await client.runs.logBatch(runId, { params: batch });
  };
  const setTags = async (values: Readonly<Record<string, string>>) => {
    checkOpen();
    const tags: KeyValue[] = Object.entries(values).map(([key, value]) => ({ key, value }));
    for (const tag of tags) checkTrackingKey(tag.key, 'Tag');
    for (const batch of chunks(tags, maxParamsPerBatch)) await client.runs.logBatch(runId, { tags: batch });
  };
  const logMetrics = (values: Readonly<Record<string, number>>, step = 0) => {
    checkOpen();
    const entries = Object.entries(values);
    // Checked up front: a bad call throws here, in the caller's code, before anything is buffered.
    for (const [key, value] of entries) {
      checkTrackingKey(key, 'Metric');
      if (typeof value !== 'number') throw new KeelError('INVALID_PARAMETER_VALUE', `Metric '${key}' needs a number, got ${typeof value}`);
      checkStep(step, key);
    }
    const timestamp = now();
    for (const [key, value] of entries) metrics.add({ key, value, timestamp, step });
  };

  return {
    runId,
    experimentId,
    client,
    logParam: (key, value) => logParams({ [key]: value }),
    logParams,
    logMetric: (key, value, step) => logMetrics({ [key]: value }, step),
    logMetrics,
    flush: () => metrics.flush(),
    setTag: (key, value) => setTags({ [key]: value }),
    setTags,
    async logArtifact(localPath, artifactPath) {
      checkOpen();
      return client.runs.uploadArtifact(runId, artifactPath ?? path.basename(localPath), localPath);
    },
    async end(status = 'FINISHED') {
      checkOpen();
      metrics.close();
      let flushFailure: unknown;
      try {
        await metrics.flush();
      } catch (error) {
        flushFailure = error;
      }
      try {
        await client.runs.update(runId, { status, endTime: now() });
      } catch (error) {
        // When both fail, the flush failure is the one that says what was lost.
        throw flushFailure ?? error;
      }
      ended = true;
      if (flushFailure !== undefined) throw flushFailure;
    },
  };
}
