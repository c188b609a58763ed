import { Writable } from 'node:stream';
import Fastify, { type FastifyBaseLogger, LogController } from 'fastify';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { lazyChildLoggerFactory } from './lazy-child-logger.ts';

function capture(level: string): { logger: FastifyBaseLogger; lines: () => Record<string, unknown>[]; children: () => number } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  const logger = pino({ level }, stream);
  let children = 0;
  // pino's children inherit this from their parent (Fastify logs through a child of its own): the
  // children counted are those made with a request id.
  const child = logger.child;
  logger.child = function (this: typeof logger, ...args: Parameters<typeof child>) {
    if ('reqId' in args[0]) children += 1;
    return child.apply(this, args);
  } as typeof logger.child;
  return {
    logger,
    lines: () => chunks.join('').trim().split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>),
    children: () => children,
  };
}

describe('lazyChildLoggerFactory', () => {
  it('writes with the request bindings once something is logged, and makes no child for muted levels', () => {
    const { logger, lines, children } = capture('info');
    const make = lazyChildLoggerFactory.bind(Fastify());
    const request = make(logger, { reqId: 'req-1' }, {}, undefined as never);
    request.debug({ route: '/x' }, 'muted');
    request.trace('muted too');
    expect(children()).toBe(0);
    expect(lines()).toEqual([]);
    expect(request.level).toBe('info');

    request.info({ route: '/x' }, 'kept');
    request.error(new Error('boom'), 'failed');
    expect(children()).toBe(1);
    const written = lines();
    expect(written.map((line) => [line.msg, line.reqId, line.level])).toEqual([
      ['kept', 'req-1', 30],
      ['failed', 'req-1', 50],
    ]);
    expect(written[0]?.route).toBe('/x');
    expect((written[1]?.err as { message?: string } | undefined)?.message).toBe('boom');
  });

  it('writes debug lines with the bindings when the level is on, and a level set on it applies to it alone', () => {
    const { logger, lines } = capture('debug');
    const make = lazyChildLoggerFactory.bind(Fastify());
    const first = make(logger, { reqId: 'a' }, {}, undefined as never);
    const second = make(logger, { reqId: 'b' }, {}, undefined as never);
    first.debug('one');
    second.level = 'warn';
    second.info('dropped');
    second.warn('two');
    first.child({ step: 1 }).info('three');
    expect(lines().map((line) => [line.msg, line.reqId, line.step])).toEqual([
      ['one', 'a', undefined],
      ['two', 'b', undefined],
      ['three', 'a', 1],
    ]);
    expect(logger.level).toBe('debug');
  });

  it('is what a Fastify request logs through: an error in a route is logged with its request id', async () => {
    const { logger, lines, children } = capture('info');
    const app = Fastify({ loggerInstance: logger, logController: new LogController({ disableRequestLogging: true }), childLoggerFactory: lazyChildLoggerFactory });
    app.get('/quiet', async () => ({ ok: true }));
    app.get('/loud', async (request) => {
      request.log.warn({ where: 'loud' }, 'logged from a route');
      return { ok: true };
    });
    await app.ready();
    const before = children();
    await app.inject({ method: 'GET', url: '/quiet' });
    expect(children()).toBe(before);
    await app.inject({ method: 'GET', url: '/loud' });
    expect(children()).toBe(before + 1);
    await app.close();
    const line = lines().find((entry) => entry.msg === 'logged from a route');
    expect(line?.where).toBe('loud');
    expect(typeof line?.reqId).toBe('string');
  });
});
