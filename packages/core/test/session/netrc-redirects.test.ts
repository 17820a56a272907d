/**
 * requests' rebuild_auth on both executors: with trustEnv, a redirect to
 * another host is sent with the netrc credentials of that host (read again
 * for it), and an Authorization never follows the request to another host;
 * trustEnv: false reads no netrc. Three loopback servers on 127.0.0.1,
 * 127.0.0.2 and 127.0.0.3 record the Authorization each request arrived with.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FuturesSession } from '@requests-futures/core';
import { executorCases } from './executors.js';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** What each host saw: path → Authorization (or 'none'). */
const seen = new Map<string, string>();
const servers: Server[] = [];
const urls: Record<'one' | 'two' | 'three', string> = { one: '', two: '', three: '' };
let dir: string;
let savedNetrc: string | undefined;

async function listen(host: string): Promise<string> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${host}`);
    seen.set(`${host}${url.pathname}`, req.headers.authorization ?? 'none');
    const to = url.searchParams.get('to');
    if (to !== null) res.writeHead(302, { Location: to }).end();
    else res.writeHead(200).end('ok');
  });
  servers.push(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  return `http://${host}:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  urls.one = await listen('127.0.0.1');
  urls.two = await listen('127.0.0.2');
  urls.three = await listen('127.0.0.3');
  dir = await mkdtemp(join(tmpdir(), 'rf-netrc-'));
  const netrc = join(dir, 'netrc');
  await writeFile(netrc, 'machine 127.0.0.1 login one password p1\nmachine 127.0.0.2 login two password p2\n');
  savedNetrc = process.env.NETRC;
  process.env.NETRC = netrc;
});
afterAll(async () => {
  if (savedNetrc === undefined) delete process.env.NETRC;
  else process.env.NETRC = savedNetrc;
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await rm(dir, { recursive: true, force: true });
});

describe.each(executorCases)('netrc and Authorization across redirects on $name', ({ name, make }) => {
  let trusting: FuturesSession;
  let distrusting: FuturesSession;
  beforeAll(() => {
    trusting = new FuturesSession({ executor: make() });
    distrusting = new FuturesSession({ executor: make(), trustEnv: false });
  });
  afterAll(async () => {
    for (const session of [trusting, distrusting]) {
      await session.close();
      await session.executor.shutdown();
    }
  });
  const key = (host: string, path: string) => `${host}/${name}${path}`;

  it("a redirect to another host is sent with that host's netrc credentials, not the first host's", async () => {
    const response = await trusting.get(`${urls.one}/${name}/start?to=${encodeURIComponent(`${urls.two}/${name}/landed`)}`).result();
    expect(response.statusCode).toBe(200);
    expect(response.history.map((r) => r.statusCode)).toEqual([302]);
    expect(seen.get(key('127.0.0.1', '/start'))).toBe(basic('one', 'p1'));
    expect(seen.get(key('127.0.0.2', '/landed'))).toBe(basic('two', 'p2'));
  });

  it('a redirect to a host netrc does not know carries no Authorization, even one the caller gave', async () => {
    await trusting.get(`${urls.one}/${name}/explicit?to=${encodeURIComponent(`${urls.three}/${name}/bare`)}`, { auth: ['caller', 'pw'] }).result();
    expect(seen.get(key('127.0.0.1', '/explicit'))).toBe(basic('caller', 'pw'));
    expect(seen.get(key('127.0.0.3', '/bare'))).toBe('none');
  });

  it('a redirect on the same host keeps its credentials', async () => {
    await trusting.get(`${urls.one}/${name}/here?to=${encodeURIComponent(`/${name}/still-here`)}`).result();
    expect(seen.get(key('127.0.0.1', '/still-here'))).toBe(basic('one', 'p1'));
  });

  it('trustEnv: false reads no netrc, for the first host or the next', async () => {
    await distrusting.get(`${urls.one}/${name}/untrusted?to=${encodeURIComponent(`${urls.two}/${name}/untrusted-landed`)}`).result();
    expect(seen.get(key('127.0.0.1', '/untrusted'))).toBe('none');
    expect(seen.get(key('127.0.0.2', '/untrusted-landed'))).toBe('none');
  });
});
