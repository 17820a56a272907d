/**
 * trustEnv end to end: a child process with HTTP_PROXY, NO_PROXY, NETRC or
 * REQUESTS_CA_BUNDLE in its environment makes requests on both executors,
 * against loopback servers and a loopback proxy started here. Its process
 * pool's children run with those variables unset: the requests still follow
 * the coordinator's environment, because it is resolved there and travels in
 * the spec.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAlive } from '@requests-futures/testing';
import { startProxy } from '../helpers/forward-proxy.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const CHILD = fileURLToPath(new URL('./support/trust-env-child.mjs', import.meta.url));
const CERT_PATH = fileURLToPath(new URL('../http/fixtures/localhost-cert.pem', import.meta.url));
const KEY_PATH = fileURLToPath(new URL('../http/fixtures/localhost-key.pem', import.meta.url));
/** Variables of the test's own environment that would change what the child does. */
const CLEARED = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'ALL_PROXY', 'all_proxy', 'NO_PROXY', 'no_proxy', 'NETRC', 'REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE'];

interface Result {
  kind: 'thread' | 'process';
  trustEnv: boolean;
  status?: number;
  body?: { headers: Record<string, string>; secure?: boolean };
  error?: string;
}

function runChild(url: string, env: Record<string, string>): Promise<{ results: Result[]; poolPids: number[] }> {
  const base = { ...process.env };
  for (const name of CLEARED) delete base[name];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CHILD, url], { env: { ...base, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`trust-env child failed: ${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop()!));
    });
  });
}

const byCase = (results: Result[], kind: Result['kind'], trustEnv: boolean) => results.find((r) => r.kind === kind && r.trustEnv === trustEnv)!;
const authorization = (result: Result) => result.body?.headers.Authorization;

let server: TestServer;
let home: string;
beforeAll(async () => {
  server = await startTestServer();
  home = mkdtempSync(join(tmpdir(), 'rf-trust-env-'));
});
afterAll(async () => {
  await server.close();
  rmSync(home, { recursive: true, force: true });
});

describe('trustEnv in a coordinator whose environment sets it', () => {
  it('HTTP_PROXY routes through the proxy and the netrc file gives the credentials, on both executors; trustEnv: false ignores both', async () => {
    const proxy = await startProxy();
    const netrc = join(home, 'netrc');
    writeFileSync(netrc, 'machine 127.0.0.1 login alice password from-netrc\n');
    try {
      const { results, poolPids } = await runChild(`${server.url}/headers`, { HTTP_PROXY: proxy.url, NETRC: netrc });
      const basic = `Basic ${Buffer.from('alice:from-netrc').toString('base64')}`;
      for (const kind of ['thread', 'process'] as const) {
        expect(byCase(results, kind, true).status).toBe(200);
        expect(authorization(byCase(results, kind, true))).toBe(basic);
        expect(authorization(byCase(results, kind, false))).toBeUndefined();
      }
      // Two requests with trustEnv (one per executor) went through the proxy, the two without did not.
      expect(proxy.seen.map((s) => s.target)).toEqual([`${server.url}/headers`, `${server.url}/headers`]);
      expect(poolPids.length).toBe(1);
      expect(poolPids.filter(isAlive)).toEqual([]);
    } finally {
      await proxy.close();
    }
  }, 90_000);

  it('NO_PROXY exempts the host (lowercase variables too)', async () => {
    const proxy = await startProxy();
    try {
      const { results } = await runChild(`${server.url}/get`, { http_proxy: proxy.url, no_proxy: 'localhost,127.0.0.1' });
      expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
      expect(proxy.seen).toEqual([]);
    } finally {
      await proxy.close();
    }
  }, 90_000);

  it('REQUESTS_CA_BUNDLE is trusted when verify is left on; trustEnv: false verifies against the default CAs and fails', async () => {
    const https: Server = createServer({ cert: readFileSync(CERT_PATH), key: readFileSync(KEY_PATH) }, (req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ secure: true, headers: {} }));
    });
    await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
    try {
      const { results } = await runChild(`https://127.0.0.1:${(https.address() as AddressInfo).port}/`, { REQUESTS_CA_BUNDLE: CERT_PATH });
      for (const kind of ['thread', 'process'] as const) {
        expect(byCase(results, kind, true).body?.secure).toBe(true);
        expect(byCase(results, kind, false).error).toBe('SSLError');
      }
    } finally {
      https.closeAllConnections();
      await new Promise((resolve) => https.close(resolve));
    }
  }, 90_000);
});
