/**
 * The request flags of rf download, each against a loopback server that
 * records what it received: -H, --user-agent, --user, --connect-timeout /
 * --read-timeout, --proxy, --insecure, --ca-certificate.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { listenOnLoopback } from '@requests-futures/testing';
import { runCli } from '../dist/program.js';
import type { ManifestEntry } from '../dist/download/manifest.js';
import { toSessionOptions } from '../dist/download/request-flags.js';
import { captureIo, closeServer, startLoopbackServer, useDownloadFixture } from './helpers.js';

const CERT_PATH = fileURLToPath(new URL('./fixtures/localhost-cert.pem', import.meta.url));
const KEY_PATH = fileURLToPath(new URL('./fixtures/localhost-key.pem', import.meta.url));

interface Received {
  url: string;
  headers: IncomingHttpHeaders;
}

async function readManifest(file: string): Promise<ManifestEntry[]> {
  return (await readFile(file, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as ManifestEntry);
}

const received: Received[] = [];

const fixture = useDownloadFixture('rf-request-flags-', () =>
  startLoopbackServer((req, res) => {
    received.push({ url: req.url ?? '', headers: req.headers });
    const delay = /^\/slow-(\d+)/.exec(req.url ?? '');
    // Headers at once, the body after a pause: a read timeout fires, a connect timeout does not.
    res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
    res.flushHeaders();
    setTimeout(() => res.end(`body of ${req.url}`), delay ? Number(delay[1]) : 0);
  }),
);

let runs = 0;
/** Runs `rf download` on `urls` with `flags`; returns the exit code, output and manifest. */
async function download(urls: string[], flags: string[]) {
  runs += 1;
  const list = path.join(fixture.work, `list-${runs}.txt`);
  const out = path.join(fixture.work, `out-${runs}`);
  const manifest = path.join(fixture.work, `manifest-${runs}.jsonl`);
  await writeFile(list, urls.join('\n'));
  const { io, output } = captureIo();
  const code = await runCli(['download', list, '-o', out, '--retries', '0', '--processes', '0', '--manifest', manifest, ...flags], { io });
  const entries = code === 2 ? [] : await readManifest(manifest);
  return { code, ...output(), entries, out };
}

describe('headers and credentials', () => {
  it('-H (repeatable), --user-agent and --user reach the server on every request', async () => {
    received.length = 0;
    const run = await download([`${fixture.server.url}/a.bin`, `${fixture.server.url}/b.bin`], [
      '-H', 'X-Token: abc 123',
      '--header', 'Accept-Language: fr',
      '--user-agent', 'wget-habits/1.0',
      '--user', 'alice:s3cret:with-colon',
    ]);
    expect(run.code).toBe(0);
    expect(received.map((r) => r.url).sort()).toEqual(['/a.bin', '/b.bin']);
    for (const { headers } of received) {
      expect(headers['x-token']).toBe('abc 123');
      expect(headers['accept-language']).toBe('fr');
      expect(headers['user-agent']).toBe('wget-habits/1.0');
      expect(headers.authorization).toBe(`Basic ${Buffer.from('alice:s3cret:with-colon').toString('base64')}`);
    }
  });

  it('the headers reach the server from pool children too (--processes 1)', async () => {
    received.length = 0;
    const list = path.join(fixture.work, 'children.txt');
    await writeFile(list, `${fixture.server.url}/child.bin\n`);
    const { io } = captureIo();
    const code = await runCli(['download', list, '-o', path.join(fixture.work, 'children'), '--processes', '1', '-H', 'X-From: child', '--user', 'bob'], { io });
    expect(code).toBe(0);
    expect(received).toHaveLength(1);
    expect(received[0]?.headers['x-from']).toBe('child');
    expect(received[0]?.headers.authorization).toBe(`Basic ${Buffer.from('bob:').toString('base64')}`);
  });

  it('without the flags no Authorization and no custom header is sent', async () => {
    received.length = 0;
    const run = await download([`${fixture.server.url}/plain.bin`], []);
    expect(run.code).toBe(0);
    expect(received[0]?.headers.authorization).toBeUndefined();
    expect(received[0]?.headers['x-token']).toBeUndefined();
  });

  it.each([
    [['-H', 'no colon here'], /-H must look like "Name: value"/],
    [['-H', 'X-A: 1', '-H', 'x-a: 2'], /-H "x-a" is given twice/],
    [['-H', 'User-Agent: a', '--user-agent', 'b'], /--user-agent and -H "User-Agent: \.\.\." contradict/],
    [['--user', ':pw'], /--user must be USER or USER:PASSWORD/],
    [['--read-timeout', '0'], /--read-timeout must be a positive number of seconds/],
    [['--proxy', 'socks5://127.0.0.1:1080'], /--proxy must be an http:\/\/ proxy/],
    [['--insecure', '--ca-certificate', CERT_PATH], /--insecure and --ca-certificate contradict/],
    [['--ca-certificate', '/no/such/bundle.pem'], /--ca-certificate: cannot read the CA bundle "\/no\/such\/bundle\.pem"/],
  ])('%j is a usage error (exit 2) that names the flag', async (flags, message) => {
    received.length = 0;
    const run = await download([`${fixture.server.url}/never.bin`], flags);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(received).toHaveLength(0);
  });
});

describe('timeouts', () => {
  it('--timeout alone sets both parts; --connect-timeout / --read-timeout override one part each', () => {
    expect(toSessionOptions({ header: [], timeout: '5' }).timeout).toBe(5);
    expect(toSessionOptions({ header: [], timeout: '5', readTimeout: '0.5' }).timeout).toEqual([5, 0.5]);
    expect(toSessionOptions({ header: [], connectTimeout: '2' }).timeout).toEqual([2, null]);
    expect(toSessionOptions({ header: [] }).timeout).toBeUndefined();
  });

  it('--read-timeout fails a body that stalls; --connect-timeout of the same length does not', async () => {
    const stalled = await download([`${fixture.server.url}/slow-1500.bin`], ['--read-timeout', '0.3']);
    expect(stalled.code).toBe(1);
    expect(stalled.entries[0]).toMatchObject({ ok: false, status: null });
    expect(stalled.entries[0]?.error).toMatch(/^ReadTimeout/);

    const patient = await download([`${fixture.server.url}/slow-600.bin`], ['--connect-timeout', '0.3']);
    expect(patient.code).toBe(0);
    expect(patient.entries[0]).toMatchObject({ ok: true, status: 200 });
  });
});

describe('--proxy', () => {
  let proxy: Server;
  let proxyUrl: string;
  const seen: Received[] = [];

  beforeAll(async () => {
    // A stand-in proxy: it answers itself, so the test sees that the request went to it in absolute form.
    proxy = createServer((req, res) => {
      seen.push({ url: req.url ?? '', headers: req.headers });
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      res.end('from the proxy');
    });
    proxyUrl = `http://127.0.0.1:${await listenOnLoopback(proxy)}`;
  });
  afterAll(() => closeServer(proxy));

  it('sends the request to the proxy with the full URL, and saves what the proxy answered', async () => {
    received.length = 0;
    const target = 'http://files.invalid:8080/dir/p.bin';
    const run = await download([target], ['--proxy', proxyUrl, '-H', 'X-Via-Test: 1']);
    expect(run.code).toBe(0);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.url).toBe(target);
    expect(seen[0]?.headers.host).toBe('files.invalid:8080');
    expect(seen[0]?.headers['x-via-test']).toBe('1');
    expect(received).toHaveLength(0);
    expect(await readFile(path.join(run.out, ...(run.entries[0]?.path ?? '').split('/')), 'utf8')).toBe('from the proxy');
  });

  it('takes the proxy from HTTP_PROXY when --proxy is not given, as wget and curl do (the session trusts the environment)', async () => {
    received.length = 0;
    seen.length = 0;
    const target = 'http://env-files.invalid:8080/e.bin';
    const saved = { HTTP_PROXY: process.env.HTTP_PROXY, NO_PROXY: process.env.NO_PROXY, no_proxy: process.env.no_proxy };
    process.env.HTTP_PROXY = proxyUrl;
    delete process.env.NO_PROXY;
    delete process.env.no_proxy;
    try {
      const run = await download([target], []);
      expect(run.code).toBe(0);
      expect(seen.map((request) => request.url)).toEqual([target]);
      expect(received).toHaveLength(0);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});

describe('TLS verification', () => {
  let secure: HttpsServer;
  let secureUrl: string;

  beforeAll(async () => {
    secure = createHttpsServer({ cert: readFileSync(CERT_PATH), key: readFileSync(KEY_PATH) }, (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      res.end('secret bytes');
    });
    secureUrl = `https://127.0.0.1:${await listenOnLoopback(secure)}`;
  });
  afterAll(() => closeServer(secure));

  it('a self-signed certificate fails by default with SSLError', async () => {
    const run = await download([`${secureUrl}/s.bin`], []);
    expect(run.code).toBe(1);
    expect(run.entries[0]?.error).toMatch(/^SSLError/);
  });

  it('--insecure downloads it without verification', async () => {
    const run = await download([`${secureUrl}/s.bin`], ['--insecure']);
    expect(run.code).toBe(0);
    expect(run.entries[0]).toMatchObject({ ok: true, status: 200, bytes: 'secret bytes'.length });
  });

  it('--ca-certificate trusts that bundle, given relative to the working directory, from pool children too', async () => {
    const relative = path.relative(process.cwd(), CERT_PATH);
    for (const processes of ['0', '1']) {
      const list = path.join(fixture.work, `tls-${processes}.txt`);
      await writeFile(list, `${secureUrl}/s.bin\n`);
      const manifest = path.join(fixture.work, `tls-${processes}.jsonl`);
      const { io } = captureIo();
      const code = await runCli(['download', list, '-o', path.join(fixture.work, `tls-${processes}`), '--processes', processes, '--ca-certificate', relative, '--manifest', manifest], { io });
      expect(code).toBe(0);
      expect((await readManifest(manifest))[0]).toMatchObject({ ok: true, status: 200 });
    }
  });
});
