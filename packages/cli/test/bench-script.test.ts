/**
 * `rf bench --script`: the unit of load is an iteration of a scenario module
 * (here the example, examples/login-then-items.mjs: log in, then fetch the
 * items with the token), in rf or in the pool's children. -n counts
 * iterations exactly, each iteration number is used once over all processes,
 * every request is counted under its name, and -R / --warmup / -d work as
 * for a plain URL. The server counts what really arrived, per path.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage, Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../dist/index.js';
import { runBenchProcess, serveOnLoopback } from './bench-process.js';
import { captureIo, closeServer } from './helpers.js';

const EXAMPLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../examples/login-then-items.mjs');

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body;
}

describe('rf bench --script', () => {
  let server: Server;
  let url: string;
  /** Requests that arrived, by path; users that logged in, with how often. */
  let byPath: Record<string, number>;
  let users: Map<string, number>;
  /** Logins of users whose number ends in this digit answer 500 (null: none). */
  let failingDigit: string | null = null;
  let itemsWithoutToken = 0;

  const reset = () => {
    byPath = {};
    users = new Map();
    itemsWithoutToken = 0;
  };

  beforeAll(async () => {
    reset();
    ({ server, url } = await serveOnLoopback(async (req, res) => {
      const pathname = new URL(req.url ?? '/', 'http://x').pathname;
      byPath[pathname] = (byPath[pathname] ?? 0) + 1;
      if (pathname === '/login') {
        const { user } = JSON.parse(await readBody(req)) as { user: string };
        users.set(user, (users.get(user) ?? 0) + 1);
        if (failingDigit !== null && user.endsWith(failingDigit)) {
          res.statusCode = 500;
          res.end('no');
          return;
        }
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ token: `t-${user}` }));
      } else if (pathname === '/items') {
        if (!/^Bearer t-user-\d+$/.test(req.headers.authorization ?? '')) itemsWithoutToken += 1;
        res.end('[1,2,3]');
      } else {
        res.statusCode = 404;
        res.end();
      }
    }));
  });
  afterAll(() => closeServer(server));

  for (const processes of [[], ['--processes', '2']]) {
    it(`-n 301 ${processes.join(' ')}: exactly 301 iterations, numbered 0..300 once each, each login then items, counted by name`, async () => {
      reset();
      failingDigit = null;
      const run = await runBenchProcess([url, '--script', EXAMPLE, '-n', '301', '-c', '6', ...processes]);
      expect(run.code).toBe(0);
      expect(byPath).toEqual({ '/login': 301, '/items': 301 });
      expect(itemsWithoutToken).toBe(0);
      expect([...users.keys()].sort()).toEqual(Array.from({ length: 301 }, (_, i) => `user-${i}`).sort());
      expect([...users.values()].every((count) => count === 1)).toBe(true);

      const { report } = run;
      expect(report.requests).toBe(301);
      expect(report.statusCodes).toEqual({ ok: 301 });
      expect(report.errors).toEqual({});
      expect(report.processes).toBe(processes.length === 0 ? 0 : 2);
      expect(report.scenario?.module).toBe(`file://${EXAMPLE}`);
      const named = report.scenario!.requests;
      expect(Object.keys(named)).toEqual(['items', 'login']);
      for (const name of ['items', 'login']) {
        expect(named[name]!.requests).toBe(301);
        expect(named[name]!.statusCodes).toEqual({ '200': 301 });
        expect(named[name]!.latencyMs.max).toBeGreaterThan(0);
        expect(named[name]!.latencyMs.p99).toBeLessThanOrEqual(named[name]!.latencyMs.max);
      }
      // An iteration lasts at least as long as its slowest request.
      expect(report.latencyMs.max).toBeGreaterThanOrEqual(Math.max(named['login']!.latencyMs.min, named['items']!.latencyMs.min));
      // Body bytes by name, to the byte: '[1,2,3]' per items, each user's own token per login, whichever process sent it.
      expect(named['items']!.bytes).toBe(301 * '[1,2,3]'.length);
      expect(named['login']!.bytes).toBe(Array.from({ length: 301 }, (_, i) => JSON.stringify({ token: `t-user-${i}` }).length).reduce((a, b) => a + b));
      expect(named['items']!.bytesPerSecond).toBe(Math.round(named['items']!.bytes / (report.durationMs / 1000)));
      expect(run.survivors).toEqual([]);
    });
  }

  for (const processes of [[], ['--processes', '2']]) {
    it(`-R 100 -d 3 ${processes.join(' ')}: requests/s per second by name, the seconds adding up to the name's count`, async () => {
      reset();
      failingDigit = null;
      const run = await runBenchProcess([url, '--script', EXAMPLE, '-R', '100', '-d', '3', '-c', '50', ...processes]);
      expect(run.code).toBe(0);
      const { report } = run;
      for (const name of ['items', 'login']) {
        const named = report.scenario!.requests[name]!;
        const bySecond = named.requestsPerSecondBySecond;
        expect(bySecond.samples).toBe(3);
        expect(bySecond.min).toBeLessThanOrEqual(bySecond.mean);
        expect(bySecond.mean).toBeLessThanOrEqual(bySecond.max);
        // Three complete seconds hold every request of the name but those finishing in the run's last instant.
        const inSeconds = Math.round(bySecond.mean * bySecond.samples);
        expect(inSeconds).toBeLessThanOrEqual(named.requests);
        expect(inSeconds).toBeGreaterThanOrEqual(named.requests - 3);
        // 300 iterations are due in 3 s, one request of each name per iteration: the mean cannot pass 100 (a name
        // counted twice, or both processes' seconds added twice, would). A busy machine may fall behind and catch up
        // (a second of 228 was seen at load 15), so no bound on a single second but the name's count.
        expect(bySecond.mean).toBeLessThanOrEqual(100);
        expect(bySecond.max).toBeLessThanOrEqual(named.requests);
        // Every iteration that completed made one request of each name; a cut-off one may have made it too.
        expect(named.requests).toBeGreaterThanOrEqual(report.requests);
        expect(named.requests).toBeLessThanOrEqual(report.requests + report.cutOff);
      }
      expect(run.survivors).toEqual([]);
    });
  }

  it('the text report: per-second requests and bytes under each name', async () => {
    reset();
    const run = await runBenchProcess([url, '--script', EXAMPLE, '-n', '50', '-c', '4'], { text: true });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^  items: 50 requests = [\d.]+ req\/s \(per second: min [\d.]+  mean [\d.]+  max [\d.]+\), read 350 B = [\d.]+ (B|kB)\/s$/m);
    expect(run.stdout).toMatch(/^  login: 50 requests = [\d.]+ req\/s \(per second: min [\d.]+  mean [\d.]+  max [\d.]+\), read [\d.]+ (B|kB) = /m);
  });

  it('an iteration that throws counts under its error; each request under its status', async () => {
    reset();
    failingDigit = '7';
    const run = await runBenchProcess([url, '--script', EXAMPLE, '-n', '100', '-c', '4']);
    failingDigit = null;
    // user-7, user-17 ... user-97: 10 logins answer 500, and raiseForStatus stops those iterations before /items.
    expect(byPath).toEqual({ '/login': 100, '/items': 90 });
    const { report } = run;
    expect(report.statusCodes).toEqual({ ok: 90 });
    expect(report.errors).toEqual({ HTTPError: 10 });
    expect(report.scenario!.requests['login']!.statusCodes).toEqual({ '200': 90, '500': 10 });
    expect(report.scenario!.requests['items']!.statusCodes).toEqual({ '200': 90 });
  });

  it('-R 50 -d 2 with --warmup 500ms: 100 ± 2 % iterations counted, warm-up requests counted nowhere', async () => {
    reset();
    // 50 connections: a second per iteration before the schedule slips, room for a machine at load 20 (at -c 10 it slipped there).
    const run = await runBenchProcess([url, '--script', EXAMPLE, '-R', '50', '-d', '2', '--warmup', '500ms', '-c', '50']);
    const { report } = run;
    expect(report.rate).toBe(50);
    expect(report.uncorrectedLatencyMs).not.toBeNull();
    expect(report.requests + report.cutOff).toBeGreaterThanOrEqual(98);
    expect(report.requests + report.cutOff).toBeLessThanOrEqual(102);
    const login = report.scenario!.requests['login']!;
    // Every counted iteration logged in inside the run; a cut-off one may have too.
    expect(login.requests).toBeGreaterThanOrEqual(report.requests);
    expect(login.requests).toBeLessThanOrEqual(report.requests + report.cutOff);
    // The warm-up's ~25 logins reached the server but none is in the report.
    expect(byPath['/login']!).toBeGreaterThanOrEqual(login.requests + 20);
    expect(run.survivors).toEqual([]);
  });

  describe('refuses what cannot work, naming it (exit 2)', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'rf-bench-script-'));
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    const runIn = async (args: string[]) => {
      const captured = captureIo();
      const code = await runCli(['bench', ...args], { io: captured.io });
      return { code, stderr: captured.output().stderr };
    };

    it('a module without a default function, a missing module, and request options a scenario makes itself', async () => {
      const noDefault = path.join(dir, 'no-default.mjs');
      await writeFile(noDefault, 'export const iteration = () => {};\n');
      const wrongType = path.join(dir, 'object.mjs');
      await writeFile(wrongType, 'export default { run() {} };\n');
      reset();

      const missingDefault = await runIn([url, '--script', noDefault, '-n', '1']);
      expect(missingDefault.code).toBe(2);
      expect(missingDefault.stderr).toContain('no-default.mjs: the module must export default a function (session, iteration, target), it has no default export');
      const objectDefault = await runIn([url, '--script', wrongType, '-n', '1']);
      expect(objectDefault.code).toBe(2);
      expect(objectDefault.stderr).toContain('it has a default export of type object');
      const missing = await runIn([url, '--script', path.join(dir, 'nope.mjs'), '-n', '1', '--processes', '2']);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/--script file:.*nope\.mjs: cannot import it/);
      const body = await runIn([url, '--script', EXAMPLE, '--body', 'x']);
      expect(body.code).toBe(2);
      expect(body.stderr).toContain('--body has no meaning with --script');
      const method = await runIn([url, '--script', EXAMPLE, '--method', 'POST']);
      expect(method.stderr).toContain('--method has no meaning with --script');
      // None of them sent anything.
      expect(byPath).toEqual({});
    });
  });
});
