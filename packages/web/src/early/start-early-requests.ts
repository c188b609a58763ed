// The early script: bundled on its own and inlined at the top of index.html (vite-early-script.ts),
// it runs while the HTML is parsed. For the first URL it preloads the page's chunk and starts the
// page's first API requests, while the browser still loads and runs the app's code.
import { loadStoredKey } from '../api/stored-key.ts';
import { type PageMatch, matchProjectPage } from '../pages/page-paths.ts';
import { earlyRequests } from './early-requests.ts';
import { apiHeaders, clearEarlyResponses, putEarlyResponse } from './early-responses.ts';

/** Each page's own files (its chunk, the chunks only it imports, its CSS), filled in at build. */
declare const keelPageAssets: Record<string, string[]>;

/** Answers not taken by then are dropped: the page asks again if it ever needs them. */
const keepMs = 30_000;

function preload(file: string): void {
  const link = document.createElement('link');
  link.href = file;
  if (file.endsWith('.css')) {
    link.rel = 'preload';
    link.as = 'style';
  } else {
    link.rel = 'modulepreload';
  }
  link.crossOrigin = '';
  document.head.append(link);
}

/**
 * The first Intl number format in a fresh renderer loads its locale data: 40 to 80 ms on this
 * machine, which uPlot's module (and the pages' number formatting) would otherwise pay while the
 * page is being drawn. Done here in the idle time while the app's code downloads.
 */
function warmLocaleData(): void {
  new Intl.NumberFormat(navigator.language).format(1.5);
  new Intl.DateTimeFormat().resolvedOptions();
}

/** Sends the page's first API requests (when signed in), leaving their answers for the client. */
function sendFirstRequests(match: PageMatch): void {
  const apiKey = loadStoredKey();
  const requests = earlyRequests[match.page];
  if (apiKey === null || requests === undefined) return;
  const urlOf = (path: string): string => new URL(path, window.location.origin).toString();
  // High priority: over HTTP/1.1 the browser has 6 connections to the server, shared with the preloads.
  const send = (path: string): Promise<Response> => fetch(urlOf(path), { method: 'GET', headers: apiHeaders(apiKey, match.project), priority: 'high' });
  const offer = (path: string, response: Promise<Response>): void => putEarlyResponse(urlOf(path), apiKey, match.project, response);
  const [firstPath, ...others] = requests.first(match.params);
  for (const path of others) offer(path, send(path));
  if (firstPath === undefined) return;
  const first = send(firstPath);
  const then = requests.then;
  // The client gets the first answer only once the requests that follow from it are sent, so that
  // it takes them instead of asking a second time.
  offer(
    firstPath,
    then === undefined
      ? first
      : first.then(async (response) => {
          if (response.ok) {
            try {
              for (const path of then(match.params, await response.clone().json())) offer(path, send(path));
            } catch {
              // Not JSON: the client reports it.
            }
          }
          return response;
        }),
  );
  setTimeout(clearEarlyResponses, keepMs);
}

function start(): void {
  const match = matchProjectPage(window.location.pathname);
  if (match === undefined) return;
  sendFirstRequests(match);
  for (const file of keelPageAssets[match.page] ?? []) preload(file);
  setTimeout(warmLocaleData, 0);
}

try {
  start();
} catch {
  // Early requests only save time; the app asks for everything itself.
}
