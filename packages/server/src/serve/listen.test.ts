// listenHandler: the serving core of `scim-server start` and connectorServer, on a loopback port.
import { connect, createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { ScimHandler } from '../options.ts';
import { listenHandler } from './listen.ts';

/**
 * A handler that answers 200, holds a request to /slow (`arrived` once it has one) until `release`,
 * and records its answers and its close.
 */
function fakeHandler() {
  const events: string[] = [];
  let release!: () => void;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let arrive!: () => void;
  const arrived = new Promise<void>((resolve) => {
    arrive = resolve;
  });
  const handler = Object.assign(
    async (request: Request) => {
      if (new URL(request.url).pathname === '/slow') {
        arrive();
        await held;
      }
      events.push(`answered ${new URL(request.url).pathname}`);
      return new Response('{}', { status: 200, headers: { 'content-type': 'application/scim+json' } });
    },
    {
      ready: Promise.resolve(),
      changes: async () => [],
      close: async () => {
        events.push('closed');
      },
    },
  ) as ScimHandler;
  return { handler, events, release, arrived };
}

/**
 * Sends one keep-alive GET on a raw socket (a client that never closes an idle connection itself):
 * `answered` resolves with the status once the response is in, `ended` when the server closes it.
 */
function keepAliveGet(port: number, path: string) {
  const socket = connect(port, '127.0.0.1');
  const ended = new Promise<void>((done) => socket.once('close', () => done()));
  const answered = new Promise<number>((resolve, reject) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\r\n\r\n{}')) resolve(Number(text.split(' ')[1]));
    });
    socket.once('error', reject);
  });
  socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n`);
  return { answered, ended };
}

describe('listenHandler', () => {
  it('logs each request, and on close lets a request in flight finish before the handler closes', async () => {
    const { handler, events, release, arrived } = fakeHandler();
    const lines: object[] = [];
    const record = (object: object) => {
      lines.push(object);
    };
    // Connections the server would otherwise keep open for a minute once idle.
    const listening = await listenHandler(handler, {
      port: 0,
      host: '127.0.0.1',
      logger: { info: record, warn: record, error: record },
      server: { keepAliveTimeoutMs: 60_000 },
    });
    const slow = keepAliveGet(listening.address.port, '/slow');
    await arrived;
    const closed = listening.close();
    expect(events).toEqual([]);
    release();
    expect(await slow.answered).toBe(200);
    await Promise.all([closed, slow.ended]);
    expect(events).toEqual(['answered /slow', 'closed']);
    expect(lines).toEqual([expect.objectContaining({ method: 'GET', path: '/slow', status: 200 })]);
  });

  it('closes an idle keep-alive connection at once rather than waiting for its timeout', async () => {
    const { handler, events } = fakeHandler();
    // An idle connection that the server would otherwise keep for a minute.
    const listening = await listenHandler(handler, {
      port: 0,
      host: '127.0.0.1',
      server: { keepAliveTimeoutMs: 60_000 },
    });
    const idle = keepAliveGet(listening.address.port, '/Users');
    expect(await idle.answered).toBe(200);
    await Promise.all([listening.close(), idle.ended]);
    expect(events).toEqual(['answered /Users', 'closed']);
  });

  it('rejects with the listen error, its code kept, and closes the handler', async () => {
    const probe = createServer();
    await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
    const { port } = probe.address() as { port: number };
    try {
      const { handler, events } = fakeHandler();
      await expect(listenHandler(handler, { port, host: '127.0.0.1' })).rejects.toMatchObject({
        code: 'EADDRINUSE',
      });
      expect(events).toEqual(['closed']);
    } finally {
      await new Promise<void>((done) => probe.close(() => done()));
    }
  });
});
