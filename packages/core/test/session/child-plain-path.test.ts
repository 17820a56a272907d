/**
 * A plain request takes a shorter path in the engine (request-task.ts,
 * request.ts, body.ts): no hook context or closures without hooks, the task
 * context's openUpload read only with data or files, its exportStream only for
 * a streamed body, prepareBody done at once without data, json or files. Each
 * request here sits on one side of those decisions, on both executors, and a
 * loopback server records what arrived.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { Readable } from 'node:stream';
import { listenOnLoopback } from '@requests-futures/testing';
import { executorCases, hook } from './executors.js';
import { sessionPerBlock } from './session-per-block.js';

interface Received {
  method: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let server: Server;
let base = '';
const received: Received[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ method: req.method ?? '', headers: req.headers, body });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ method: req.method, body }));
    });
  });
  base = `http://127.0.0.1:${await listenOnLoopback(server)}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const lastReceived = () => received.at(-1)!;

describe.each(executorCases)('the plain request path on $name', ({ make }) => {
  const session = sessionPerBlock(make);

  it('a GET with no body sends none, and its body comes back read', async () => {
    const response = await session().get(`${base}/plain`);
    expect(response.json()).toEqual({ method: 'GET', body: '' });
    expect(lastReceived().headers['content-length']).toBeUndefined();
    expect(lastReceived().headers['transfer-encoding']).toBeUndefined();
  });

  it('a POST with no body sends Content-Length: 0, as requests does', async () => {
    await session().post(`${base}/empty`);
    expect(lastReceived()).toMatchObject({ method: 'POST', body: '' });
    expect(lastReceived().headers['content-length']).toBe('0');
  });

  it('json alone (data and files left out) is still sent, with its Content-Type', async () => {
    await session().post(`${base}/json`, { json: { a: 1 } });
    expect(JSON.parse(lastReceived().body)).toEqual({ a: 1 });
    expect(lastReceived().headers['content-type']).toBe('application/json');
  });

  it('a streamed data body still reaches the server (the task context opens the upload)', async () => {
    await session().post(`${base}/upload`, { data: Readable.from(['one;', 'two']) });
    expect(lastReceived().body).toBe('one;two');
  });

  it('stream: true still hands the body over to be read after the future resolves', async () => {
    const response = await session().get(`${base}/streamed`, { stream: true });
    expect(JSON.parse(Buffer.from(await response.read()).toString('utf8'))).toEqual({ method: 'GET', body: '' });
  });

  it('a response hook still runs, and what it sets comes back', async () => {
    const response = await session().get(`${base}/hooked`, { hooks: { response: [hook('setData')] } });
    expect((response as unknown as { data: unknown }).data).toEqual({ method: 'GET', body: '' });
  });
});
