import { describe, expect, it } from '@jest/globals';
import { decode, encode } from '@requests-futures/serializer';
import { runInTaskContext, standaloneTaskContext } from '../../dist/task-context.js';
import got, { TimeoutError as GotTimeoutError } from 'got';
import { getEventListeners } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import * as errors from '../../dist/http/errors.js';
import { mapRequestError } from '../../dist/http/error-mapping.js';
import { runRequestTask } from '../../dist/http/request-task.js';
import { performRequest } from '../../dist/http/request.js';
import { CaseInsensitiveHeaders } from '../../dist/http/headers.js';
import { Response } from '../../dist/http/response.js';
import { toGotTimeouts } from '../../dist/http/timeouts.js';
import { server, agents, useTestEngine, send } from './engine.js';
import { specFor } from './spec-for.js';

const { ConnectionError, ConnectTimeout, ReadTimeout, RequestException, Timeout, TooManyRedirects, SSLError, HTTPError } = errors;

useTestEngine();


/** A port nobody listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('a server that does not speak HTTP', () => {
  it('is a ConnectionError, as requests raises for a bad status line', async () => {
    // Destroyed, not ended: a half-open socket would keep close() waiting.
    const garbage = createServer((socket) => socket.write('SSH-2.0-OpenSSH_9.2\r\n\r\n', () => socket.destroy()));
    await new Promise<void>((resolve) => garbage.listen(0, '127.0.0.1', resolve));
    const { port } = garbage.address() as AddressInfo;
    try {
      const failure = await performRequest(specFor(`http://127.0.0.1:${port}/`, { timeout: 5 }), standaloneTaskContext(), { agents }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ConnectionError);
      expect((failure as Error).message).toContain('not an HTTP response');
    } finally {
      await new Promise((resolve) => garbage.close(resolve));
    }
  });
});

describe('the class hierarchy, as in requests', () => {
  it('ConnectTimeout is a ConnectionError and a Timeout; ReadTimeout only a Timeout', () => {
    const connect = new ConnectTimeout('x');
    expect(connect).toBeInstanceOf(ConnectionError);
    expect(connect).toBeInstanceOf(Timeout);
    expect(connect).toBeInstanceOf(RequestException);
    expect(connect).toBeInstanceOf(Error);
    const read = new ReadTimeout('x');
    expect(read).toBeInstanceOf(Timeout);
    expect(read).not.toBeInstanceOf(ConnectionError);
    expect(new ConnectionError('x')).not.toBeInstanceOf(Timeout);
    expect(new SSLError('x')).toBeInstanceOf(ConnectionError);
    expect(new Timeout('x')).toBeInstanceOf(Timeout);
    expect(read).not.toBeInstanceOf(ConnectTimeout);
  });

  it('every class has its name, a stable code, and takes a cause', () => {
    const cause = new Error('root');
    const seen = new Set<string>();
    for (const [name, cls] of Object.entries(errors)) {
      if (typeof cls !== 'function') continue;
      const error = new (cls as typeof RequestException)('message', { cause, request: { method: 'GET', url: 'http://x/' } });
      expect(error.name).toBe(name);
      expect(error.code).toMatch(/^ERR_[A-Z_]+$/);
      expect(error.cause).toBe(cause);
      seen.add(error.code);
    }
    expect(seen.size).toBeGreaterThanOrEqual(14);
    expect(new ConnectTimeout('x').code).toBe('ERR_CONNECT_TIMEOUT');
  });

  it('errors keep class, fields and cause through the serializer', () => {
    const response = new Response({
      statusCode: 404,
      url: 'http://x/',
      headers: new CaseInsensitiveHeaders({ A: '1' }),
      content: new TextEncoder().encode('gone'),
      request: { method: 'GET', url: 'http://x/', headers: new CaseInsensitiveHeaders() },
    });
    const original = new HTTPError('404 Client Error: Not Found for url: http://x/', { request: { method: 'GET', url: 'http://x/' }, response, cause: new Error('root') });
    const copy = decode<InstanceType<typeof HTTPError>>(encode(original));
    expect(copy).toBeInstanceOf(HTTPError);
    expect(copy.message).toBe(original.message);
    expect(copy.code).toBe('ERR_HTTP_STATUS');
    expect(copy.request).toEqual({ method: 'GET', url: 'http://x/' });
    expect((copy.cause as Error).message).toBe('root');
    const copiedResponse = copy.response as Response;
    expect(copiedResponse).toBeInstanceOf(Response);
    expect(copiedResponse.text).toBe('gone');
    expect(copiedResponse.headers.get('a')).toBe('1');
    const timeout = decode(encode(new ConnectTimeout('slow')));
    expect(timeout).toBeInstanceOf(ConnectTimeout);
    expect(timeout).toBeInstanceOf(Timeout);
    expect(timeout).toBeInstanceOf(ConnectionError);
  });
});

describe('network failures', () => {
  it('a closed port is ConnectionError naming the URL, with the system error as cause', async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}/get`;
    const error = (await performRequest(specFor(url), standaloneTaskContext(), { agents }).catch((e: unknown) => e)) as InstanceType<typeof ConnectionError>;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).not.toBeInstanceOf(Timeout);
    expect(error.message).toContain(url);
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.request).toEqual({ method: 'GET', url });
    expect((error.cause as { code?: string }).code).toBe('ECONNREFUSED');
    // The cause is small enough to travel: no got Options, no sockets.
    const copy = decode<Error>(encode(error));
    expect(copy).toBeInstanceOf(ConnectionError);
    expect((copy.cause as { code?: string }).code).toBe('ECONNREFUSED');
  });

  it('a slow answer with a read timeout is ReadTimeout (not a ConnectionError)', async () => {
    const error = await send('/delay/3', { timeout: [null, 0.2] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReadTimeout);
    expect(error).toBeInstanceOf(Timeout);
    expect(error).not.toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toContain('/delay/3');
  });

  it('a body that stalls between bytes is a ReadTimeout too', async () => {
    await expect(send('/drip?numbytes=3&duration=3', { timeout: 0.3 })).rejects.toThrow(ReadTimeout);
  });

  it('a generous timeout lets the request through', async () => {
    expect((await send('/delay/0.1', { timeout: [5, 5] })).statusCode).toBe(200);
  });

  it('got lookup/connect timeouts map to ConnectTimeout, socket/read to ReadTimeout', async () => {
    // A real got TimeoutError from a real request: a DNS lookup that never answers.
    const real = await got('http://localhost:1/', {
      dnsLookup: (() => undefined) as never,
      timeout: { lookup: 50 },
      retry: { limit: 0 },
    }).catch((e: unknown) => e);
    expect(real).toBeInstanceOf(GotTimeoutError);
    expect((real as { event: string }).event).toBe('lookup');
    const mapped = mapRequestError(real, { method: 'GET', url: 'http://localhost:1/' });
    expect(mapped).toBeInstanceOf(ConnectTimeout);
    expect(mapped).toBeInstanceOf(ConnectionError);
    expect(mapped.message).toContain('http://localhost:1/');
    // 'connect' and 'socket' cannot be produced on loopback without an unroutable address;
    // got's own class carries the event the same way.
    for (const [event, cls] of [['connect', ConnectTimeout], ['secureConnect', ConnectTimeout], ['socket', ReadTimeout], ['read', ReadTimeout], ['response', ReadTimeout]] as const) {
      const synthetic = new GotTimeoutError(Object.assign(new Error(`Timeout awaiting '${event}'`), { event }) as never, {} as never, undefined as never);
      expect(mapRequestError(synthetic, { method: 'GET', url: 'http://x/' })).toBeInstanceOf(cls);
    }
  });

  it('maps TLS, protocol and max-redirect codes', () => {
    const info = { method: 'GET', url: 'https://x/' };
    const withCode = (code: string, name = 'RequestError') => Object.assign(new Error(code), { code, name });
    expect(mapRequestError(withCode('DEPTH_ZERO_SELF_SIGNED_CERT'), info)).toBeInstanceOf(SSLError);
    expect(mapRequestError(withCode('ERR_TLS_CERT_ALTNAME_INVALID'), info)).toBeInstanceOf(SSLError);
    expect(mapRequestError(withCode('CERT_HAS_EXPIRED'), info)).toBeInstanceOf(SSLError);
    expect(mapRequestError(withCode('ERR_UNSUPPORTED_PROTOCOL'), info)).toBeInstanceOf(errors.InvalidSchema);
    expect(mapRequestError(withCode('ENOTFOUND'), info)).toBeInstanceOf(ConnectionError);
    expect(mapRequestError(withCode('EAI_AGAIN'), info)).toBeInstanceOf(ConnectionError);
    expect(mapRequestError(withCode('ERR_TOO_MANY_REDIRECTS', 'MaxRedirectsError'), info)).toBeInstanceOf(TooManyRedirects);
    expect(mapRequestError(withCode('Z_DATA_ERROR'), info, 'body')).toBeInstanceOf(errors.ContentDecodingError);
  });

  it('rejects a bad timeout with RangeError naming timeout', async () => {
    expect(() => toGotTimeouts(-1)).toThrow(/timeout.*-1/);
    expect(() => toGotTimeouts([1, Number.NaN])).toThrow(RangeError);
    expect(() => toGotTimeouts([1] as never)).toThrow(TypeError);
    expect(toGotTimeouts([null, 2])).toEqual({ socket: 2000 });
    expect(toGotTimeouts(1.5)).toEqual({ lookup: 1500, connect: 1500, secureConnect: 1500, socket: 1500 });
    await expect(send('/get', { timeout: -3 })).rejects.toThrow(RangeError);
  });
});

describe('abort', () => {
  it('options.signal aborts a running request with the reason', async () => {
    const controller = new AbortController();
    const reason = new Error('user gave up');
    const aborted = performRequest(specFor(`${server.url}/delay/5`), standaloneTaskContext(controller.signal), { agents });
    setImmediate(() => controller.abort(reason));
    await expect(aborted).rejects.toBe(reason);
  });

  it('a non-Error reason becomes an Error named AbortError', async () => {
    const controller = new AbortController();
    controller.abort('stop');
    const error = (await performRequest(specFor(`${server.url}/get`), standaloneTaskContext(controller.signal), { agents }).catch((e: unknown) => e)) as Error;
    expect(error.name).toBe('AbortError');
    expect(error.message).toContain('stop');
  });

  it('a long-lived signal keeps no listener once requests are done', async () => {
    const controller = new AbortController();
    for (let i = 0; i < 3; i++) {
      await performRequest(specFor(`${server.url}/redirect/5`), standaloneTaskContext(controller.signal), { agents });
    }
    await performRequest(specFor(`${server.url}/get`, { method: 'HEAD' }), standaloneTaskContext(controller.signal), { agents });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('a long-lived signal keeps no listener once requests failed or their streamed bodies were dropped', async () => {
    const controller = new AbortController();
    const context = standaloneTaskContext(controller.signal);
    const refused = await performRequest(specFor(`http://127.0.0.1:${await closedPort()}/`), context, { agents }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ConnectionError);
    // A body cut short after the headers: got's stream fails after the response was handed over.
    const cutShort = createServer((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nabc', () => socket.destroy()));
    await new Promise<void>((resolve) => cutShort.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = cutShort.address() as AddressInfo;
      const truncated = await performRequest(specFor(`http://127.0.0.1:${port}/`), context, { agents }).catch((error: unknown) => error);
      expect(truncated).toBeInstanceOf(RequestException);
    } finally {
      await new Promise((resolve) => cutShort.close(resolve));
    }
    const streamed = await performRequest(specFor(`${server.url}/stream-bytes/100000`, { stream: true }), context, { agents });
    expect(streamed.statusCode).toBe(200);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    streamed.close();
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('the request task called directly inside a running task takes that task\'s signal', async () => {
    const controller = new AbortController();
    const reason = new Error('task aborted');
    const running = runInTaskContext(standaloneTaskContext(controller.signal, 1), () =>
      runRequestTask(specFor(`${server.url}/drip?numbytes=4&duration=4`), undefined, { agents }),
    );
    setTimeout(() => controller.abort(reason), 50);
    await expect(running).rejects.toBe(reason);
  });
});
