// Answers to requests the early script started, each taken once by the API client. The early script
// is a bundle of its own (inlined in index.html), so the two meet on a global, not a shared module.

interface EarlyResponses {
  responses: Map<string, Promise<Response>>;
  /** How many the client took: the end-to-end tests check that the early requests are used. */
  taken: number;
}

declare global {
  var keelEarlyResponses: EarlyResponses | undefined;
}

function store(): EarlyResponses {
  return (globalThis.keelEarlyResponses ??= { responses: new Map(), taken: 0 });
}

const entryKey = (url: string, apiKey: string, project: string): string => `${url}\u0000${apiKey}\u0000${project}`;

/** Headers as the SDK sends them for a GET in `project`. */
export function apiHeaders(apiKey: string, project: string): Record<string, string> {
  return { authorization: `Bearer ${apiKey}`, accept: 'application/json', 'x-keel-project': project };
}

export function putEarlyResponse(url: string, apiKey: string, project: string, response: Promise<Response>): void {
  // Unhandled here, a failure would be reported before the client takes it and shows it.
  response.catch(() => undefined);
  store().responses.set(entryKey(url, apiKey, project), response);
}

/** Drops answers nobody took (the user went elsewhere first). */
export function clearEarlyResponses(): void {
  store().responses.clear();
}

function headerValue(headers: HeadersInit | undefined, name: string): string {
  if (headers === undefined) return '';
  if (headers instanceof Headers) return headers.get(name) ?? '';
  if (Array.isArray(headers)) return headers.find(([key]) => key.toLowerCase() === name)?.[1] ?? '';
  return (headers as Record<string, string>)[name] ?? '';
}

/**
 * fetch for the API client: a GET that was started early, with the same key and project, gets
 * that answer (once); everything else goes to the network.
 */
export function earlyAwareFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const early = store();
  if (typeof input === 'string' && (init?.method ?? 'GET') === 'GET' && early.responses.size > 0) {
    const authorization = headerValue(init?.headers, 'authorization');
    const key = entryKey(input, authorization.replace(/^Bearer /, ''), headerValue(init?.headers, 'x-keel-project'));
    const response = early.responses.get(key);
    if (response !== undefined) {
      early.responses.delete(key);
      early.taken += 1;
      return response;
    }
  }
  return globalThis.fetch(input, init);
}
