import type { HttpClient, HttpResponse } from '../http-client.ts';
import type { ProviderCallContext } from './chat-provider.ts';
import { readUpstreamFailure, toTransportFailure } from './read-upstream-failure.ts';
import { type CallSignal, createCallAbort } from '../call-signal.ts';

export interface UpstreamCall {
  response: HttpResponse;
  /** Aborts the upstream request (the body is no longer wanted). */
  abort(): void;
  /** The signal the body is read under: aborted on cancel, on the client's going away, or by `abort`. */
  signal: CallSignal;
}

/**
 * POSTs JSON upstream and waits for a 2xx answer's headers, within `context.timeoutMs`. Non-2xx
 * answers, time-outs and connection failures become UpstreamErrors; the body is left to the caller.
 */
export async function callUpstream(http: HttpClient, provider: string, url: string, headers: Record<string, string>, body: string, context: ProviderCallContext, nowMs: () => number): Promise<UpstreamCall> {
  const controller = createCallAbort();
  const onAbort = (): void => controller.abort(context.signal.reason);
  if (context.signal.aborted) controller.abort(context.signal.reason);
  else context.signal.addEventListener('abort', onAbort, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error('upstream timeout'));
  }, context.timeoutMs);
  let response: HttpResponse;
  try {
    response = await http.request({ url, method: 'POST', headers, body, signal: controller.signal });
  } catch (error) {
    context.signal.removeEventListener('abort', onAbort);
    throw toTransportFailure(error, provider, context.signal, timedOut);
  } finally {
    clearTimeout(timer);
  }
  if (response.status < 200 || response.status >= 300) {
    context.signal.removeEventListener('abort', onAbort);
    throw await readUpstreamFailure(response, provider, nowMs());
  }
  return {
    response,
    signal: controller.signal,
    abort: () => {
      context.signal.removeEventListener('abort', onAbort);
      controller.abort(new Error('upstream body no longer wanted'));
    },
  };
}
