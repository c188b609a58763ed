import type { CallSignal } from './call-signal.ts';

/** The HTTP client providers call upstreams with; injected (undici in the server, fakes in tests). */
export interface HttpClient {
  request(input: HttpRequestInput): Promise<HttpResponse>;
}

export interface HttpRequestInput {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string | undefined;
  signal: CallSignal;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as it arrives; reading it again is an error. */
  body: AsyncIterable<Uint8Array>;
  text(): Promise<string>;
  /** Discards the rest of the body (frees the connection). */
  dump(): Promise<void>;
}
