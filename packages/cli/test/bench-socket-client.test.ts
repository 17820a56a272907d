/**
 * rf bench's default client for http:// (raw keep-alive sockets, responses
 * parsed by http-parser-js): every framing a server may answer with, servers
 * that close the connection, HEAD, broken bodies, and the bytes it read.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { listenOnLoopback } from '@requests-futures/testing';
import { runCli } from '../dist/program.js';
import type { BenchReport } from '../dist/bench/report.js';
import { serializeRequest } from '../dist/bench/socket-client.js';
import { captureIo } from './helpers.js';

async function bench(args: string[]): Promise<{ code: number; report: BenchReport }> {
  const { io, output } = captureIo();
  const code = await runCli(['bench', ...args, '--json', '--no-progress'], { io });
  return { code, report: JSON.parse(output().stdout) as BenchReport };
}

describe('the socket client', () => {
  let server: Server;
  let base: string;
  let served = 0;
  let connections = 0;
  let silentAfter = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      served += 1;
      const kind = req.url ?? '/';
      if (kind === '/mixed') {
        // Four framings in turn: sized, chunked, sized and closing, chunked in pieces.
        const turn = served % 4;
        if (turn === 0) res.end('sized');
        else if (turn === 1) {
          res.write('chunk');
          res.end('ed');
        } else if (turn === 2) {
          res.setHeader('Connection', 'close');
          res.end('bye');
        } else {
          res.write('a');
          setImmediate(() => res.end('b'));
        }
      } else if (kind === '/broken') {
        // Promises 100 bytes, sends 2, hangs up: a body error, not a connection error.
        res.writeHead(200, { 'Content-Length': '100' });
        res.write('ok');
        setImmediate(() => res.socket?.destroy());
      } else if (kind === '/split') {
        // The head with the first 10 of 1,000 body bytes, the rest once that left: as nginx sends a head and a sendfile body.
        res.writeHead(200, { 'Content-Length': '1000' });
        res.write('x'.repeat(10), () => setImmediate(() => res.end('y'.repeat(990))));
      } else if (kind === '/then-silent') {
        // Answers the first two requests, then none.
        silentAfter += 1;
        if (silentAfter <= 2) res.end('ok');
      } else res.end(req.method === 'HEAD' ? undefined : 'x'.repeat(1000));
    });
    server.on('connection', () => (connections += 1));
    server.keepAliveTimeout = 60_000;
    base = `http://127.0.0.1:${await listenOnLoopback(server)}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });

  it('serializes the request once: request line, Host, headers, sized body', () => {
    const spec = { url: 'http://u:p@127.0.0.1:8080/a?b=1', method: 'POST', headers: { 'X-A': '1' }, body: 'hé', connections: 1, timeoutSeconds: 1, client: 'http' as const };
    expect(serializeRequest(new URL(spec.url), spec).toString('utf8')).toBe(
      'POST /a?b=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nX-A: 1\r\nAuthorization: Basic dTpw\r\nContent-Length: 3\r\n\r\nhé',
    );
  });

  it('sized, chunked and closing answers alike: -n 400 counts 400 answers; a closed connection is opened again', async () => {
    served = 0;
    connections = 0;
    const { code, report } = await bench([`${base}/mixed`, '-n', '400', '-c', '4']);
    expect(code).toBe(0);
    expect(served).toBe(400);
    expect(report).toMatchObject({ requests: 400, responses: 400, errors: {}, statusCodes: { '200': 400 } });
    // Every fourth answer closes its connection: about 100 reconnections beyond the first 4.
    expect(connections).toBeGreaterThanOrEqual(100);
  });

  it('a body that follows its head in later reads: counted to its last byte, the connection kept', async () => {
    served = 0;
    connections = 0;
    const { report } = await bench([`${base}/split`, '-n', '200', '-c', '2']);
    expect(served).toBe(200);
    expect(report).toMatchObject({ requests: 200, responses: 200, errors: {}, statusCodes: { '200': 200 } });
    expect(connections).toBe(2);
    expect(report.bytes).toBeGreaterThan(200 * 1_000);
  });

  it('HEAD answers carry no body, and the connection is reused for the next', async () => {
    served = 0;
    connections = 0;
    const { report } = await bench([`${base}/`, '-n', '50', '-c', '1', '--method', 'HEAD']);
    expect(report).toMatchObject({ requests: 50, responses: 50, errors: {} });
    expect(connections).toBe(1);
  });

  it('counts the bytes read: 1,000-byte bodies plus headers', async () => {
    const { report } = await bench([`${base}/`, '-n', '100', '-c', '2']);
    expect(report.bytes).toBeGreaterThan(100 * 1_000);
    expect(report.bytes).toBeLessThan(100 * 1_300);
  });

  it('a body cut short is an error of the body (ChunkedEncodingError), not a connection error', async () => {
    const { report } = await bench([`${base}/broken`, '-n', '6', '-c', '2']);
    expect(report.responses).toBe(0);
    expect(report.errors).toEqual({ ChunkedEncodingError: 6 });
  });

  it('--timeout is silence while a request waits, not the idle time between requests of a slow rate', async () => {
    // One request every 500 ms, a 300 ms timeout: the idle half-seconds must not count; the unanswered requests must.
    silentAfter = 0;
    const { report } = await bench([`${base}/then-silent`, '-R', '2', '-c', '1', '-d', '2.4s', '--timeout', '0.3']);
    expect(report.responses).toBe(2);
    expect(report.errors.ReadTimeout).toBeGreaterThanOrEqual(2);
    expect(Object.keys(report.errors)).toEqual(['ReadTimeout']);
  });
});
