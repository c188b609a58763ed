import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { FetchLike } from '../create-transport.ts';
import { KeelApiError } from '../keel-api-error.ts';
import type { RetryPolicy } from '../retry-policy.ts';

const gzipAsync = promisify(gzip);

export type OtlpEncoding = 'protobuf' | 'json';
export type OtlpCompression = 'gzip' | 'none';

export interface OtlpSenderOptions {
  /** The full endpoint, `{KEEL_URL}/v1/traces`. */
  endpoint: string;
  apiKey: string;
  fetch: FetchLike;
  encoding: OtlpEncoding;
  compression: OtlpCompression;
  retry: RetryPolicy;
  /** Per attempt; a hung connection must not hold the batch (and every batch behind it) forever. */
  timeoutMs: number;
}

export interface SendResult {
  /** Spans the server did not keep, from OTLP `partialSuccess`. */
  rejected: number;
  errorMessage: string;
}

export interface OtlpSender {
  /** Sends one batch, retrying transient failures; throws a KeelApiError once it gives up. */
  send(spans: ReadableSpan[]): Promise<SendResult>;
  readonly requests: number;
  readonly retries: number;
}

/** 413 splits the batch rather than failing it: a batch too large as a whole is usually fine in halves. */
export function createOtlpSender(options: OtlpSenderOptions): OtlpSender {
  let requests = 0;
  let retries = 0;
  const contentType = options.encoding === 'protobuf' ? 'application/x-protobuf' : 'application/json';

  const encode = async (spans: ReadableSpan[]): Promise<Uint8Array> => {
    const serializer = options.encoding === 'protobuf' ? ProtobufTraceSerializer : JsonTraceSerializer;
    const raw = serializer.serializeRequest(spans);
    if (raw === undefined) throw new KeelApiError({ code: 'INTERNAL_ERROR', status: 0, retryable: false, message: 'Could not encode spans as OTLP' });
    return options.compression === 'gzip' ? await gzipAsync(raw) : raw;
  };

  const post = async (body: Uint8Array): Promise<Response> => {
    for (let attempt = 1; ; attempt += 1) {
      const headers: Record<string, string> = { authorization: `Bearer ${options.apiKey}`, 'content-type': contentType, accept: contentType };
      if (options.compression === 'gzip') headers['content-encoding'] = 'gzip';
      let failure: KeelApiError;
      let retryAfter: number | undefined;
      requests += 1;
      try {
        const response = await options.fetch(options.endpoint, { method: 'POST', headers, body, signal: AbortSignal.timeout(options.timeoutMs) });
        if (response.ok || response.status === 413) return response;
        const text = await response.text().catch(() => '');
        failure = new KeelApiError({
          code: response.status === 429 ? 'REQUEST_LIMIT_EXCEEDED' : response.status >= 500 ? 'TEMPORARILY_UNAVAILABLE' : 'BAD_REQUEST',
          status: response.status,
          // Any 5xx may pass on a later try (a restarting server); other 4xx are the caller's to fix.
          retryable: response.status === 429 || response.status >= 500,
          message: `POST ${options.endpoint} answered HTTP ${response.status}${text.trim() === '' ? '' : `: ${text.trim().slice(0, 200)}`}`,
        });
        retryAfter = retryAfterMs(response.headers.get('retry-after'));
      } catch (error) {
        failure = new KeelApiError({ code: 'TEMPORARILY_UNAVAILABLE', status: 0, retryable: true, message: `Cannot send spans to ${options.endpoint} (${reason(error)})`, cause: error });
      }
      if (!failure.retryable || attempt >= options.retry.maxAttempts) throw failure;
      retries += 1;
      await options.retry.sleep(options.retry.delayMs(attempt, retryAfter));
    }
  };

  const send = async (spans: ReadableSpan[]): Promise<SendResult> => {
    const response = await post(await encode(spans));
    if (response.status === 413) {
      await response.body?.cancel().catch(() => undefined);
      if (spans.length <= 1) throw new KeelApiError({ code: 'PAYLOAD_TOO_LARGE', status: 413, retryable: false, message: `A span is larger than ${options.endpoint} accepts` });
      const middle = Math.ceil(spans.length / 2);
      const first = await send(spans.slice(0, middle));
      const second = await send(spans.slice(middle));
      return { rejected: first.rejected + second.rejected, errorMessage: [first.errorMessage, second.errorMessage].filter((text) => text !== '').join('; ') };
    }
    return readPartialSuccess(response);
  };

  return {
    send,
    get requests() {
      return requests;
    },
    get retries() {
      return retries;
    },
  };
}

/** Reads OTLP `partialSuccess` in whichever encoding the server answered; an unreadable body counts as full success. */
async function readPartialSuccess(response: Response): Promise<SendResult> {
  const bytes = new Uint8Array(await response.arrayBuffer().catch(() => new ArrayBuffer(0)));
  if (bytes.length === 0) return { rejected: 0, errorMessage: '' };
  const type = response.headers.get('content-type') ?? '';
  let partial: { rejectedSpans?: unknown; errorMessage?: unknown } | undefined;
  if (type.includes('protobuf')) {
    partial = ProtobufTraceSerializer.deserializeResponse(bytes).partialSuccess;
  } else {
    try {
      const json: unknown = JSON.parse(new TextDecoder().decode(bytes));
      if (typeof json === 'object' && json !== null && 'partialSuccess' in json && typeof json.partialSuccess === 'object' && json.partialSuccess !== null) partial = json.partialSuccess;
    } catch {
      partial = undefined;
    }
  }
  // OTLP/JSON carries int64 as a string.
  const rejected = Number(partial?.rejectedSpans ?? 0);
  return { rejected: Number.isFinite(rejected) ? rejected : 0, errorMessage: typeof partial?.errorMessage === 'string' ? partial.errorMessage : '' };
}

function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function reason(error: unknown): string {
  const cause = error instanceof Error ? (error.cause ?? error) : error;
  if (typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string') return cause.code;
  return cause instanceof Error ? cause.message : String(cause);
}
