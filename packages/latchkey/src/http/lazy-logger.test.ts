// The lazy per-request logger writes exactly what pino's child would, request id included, and nothing more.
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { expect, it } from 'vitest';
import { lazyChildLogger } from './lazy-logger.js';

function appWithLines(level: string) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const app = Fastify({
    logger: { level, stream },
    childLoggerFactory: lazyChildLogger,
    genReqId: () => 'req_fixed',
  });
  app.get('/', (request) => {
    request.log.debug({ step: 'debug' }, 'below info');
    request.log.info({ step: 'info' }, 'at info');
    const nested = request.log.child({ component: 'nested' });
    nested.warn('from a child');
    return { level: request.log.level };
  });
  return { app, lines };
}

it('writes enabled levels with the request id, skips disabled ones, and passes bindings to children', async () => {
  const { app, lines } = appWithLines('info');
  const res = await app.inject({ url: '/' });
  expect(res.json()).toEqual({ level: 'info' });
  const ours = lines.filter((l) => l.reqId === 'req_fixed');
  expect(ours.map((l) => l.msg)).toEqual(expect.arrayContaining(['at info', 'from a child']));
  expect(ours.find((l) => l.msg === 'at info')?.step).toBe('info');
  expect(ours.find((l) => l.msg === 'from a child')?.component).toBe('nested');
  expect(lines.some((l) => l.msg === 'below info')).toBe(false);
  await app.close();
});

it('writes debug lines when the server logs at debug', async () => {
  const { app, lines } = appWithLines('debug');
  await app.inject({ url: '/' });
  expect(lines.find((l) => l.msg === 'below info')).toMatchObject({ reqId: 'req_fixed', step: 'debug' });
  await app.close();
});

it('writes nothing at silent', async () => {
  const { app, lines } = appWithLines('silent');
  await app.inject({ url: '/' });
  expect(lines).toEqual([]);
  await app.close();
});
