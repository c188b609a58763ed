import type { FastifyInstance, HTTPMethods } from 'fastify';

/**
 * Every `METHOD url` the Fastify app answers (HEAD routes that Fastify adds for GET left out), read
 * from its route tree. Lets a test check that no route was registered around `defineRoute`.
 */
export function listServedRoutes(app: FastifyInstance): string[] {
  const served: string[] = [];
  const prefixes: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^((?:│ {3}| {4})*)(?:├── |└── )(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (match === null) continue;
    const depth = (match[1] ?? '').length / 4;
    const prefix = prefixes[depth - 1] ?? '';
    const segment = match[2] ?? '';
    const methods = (match[3] ?? '').split(', ').filter((method) => method !== '' && method !== 'HEAD');
    let url = `${prefix}${segment}`;
    // The printed tree folds a handler-less '/' node into its wildcard child ('/a' then '*' for '/a/*').
    const slashed = `${prefix}/${segment}`;
    const first = methods[0] as HTTPMethods | undefined;
    if (first !== undefined && !app.hasRoute({ method: first, url }) && app.hasRoute({ method: first, url: slashed })) url = slashed;
    prefixes[depth] = url;
    prefixes.length = depth + 1;
    for (const method of methods) served.push(`${method} ${url}`);
  }
  return served;
}
