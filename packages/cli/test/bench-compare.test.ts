/** `rf bench --compare a.json b.json`: differences between two runs, with Welch's t-test saying which are more than noise. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { listenOnLoopback } from '@requests-futures/testing';
import { runCli } from '../dist/program.js';
import { captureIo } from './helpers.js';

describe('rf bench --compare', () => {
  let server: Server;
  let url: string;
  /** Milliseconds each answer waits, changed between the two runs. */
  let delayMs = 0;
  let dir: string;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      if (delayMs === 0) res.end('ok');
      else setTimeout(() => res.end('ok'), delayMs);
    });
    server.keepAliveTimeout = 60_000;
    url = `http://127.0.0.1:${await listenOnLoopback(server)}/`;
    dir = await mkdtemp(path.join(os.tmpdir(), 'rf-bench-compare-'));
  });
  afterAll(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
    await rm(dir, { recursive: true, force: true });
  });

  async function benchToFile(name: string): Promise<string> {
    const { io, output } = captureIo();
    expect(await runCli(['bench', url, '-n', '300', '-c', '2', '--json', '--no-progress'], { io })).toBe(0);
    const file = path.join(dir, name);
    await writeFile(file, output().stdout);
    return file;
  }

  it('a server 20 ms slower: the latency difference is marked significant; a run against itself is not', async () => {
    delayMs = 0;
    const fast = await benchToFile('fast.json');
    delayMs = 20;
    const slow = await benchToFile('slow.json');

    const compared = captureIo();
    expect(await runCli(['bench', '--compare', fast, slow], { io: compared.io })).toBe(0);
    const text = compared.output().stdout;
    const latencyRow = text.split('\n').find((line) => line.startsWith('latency mean ms'));
    expect(latencyRow).toMatch(/\+\d+(\.\d)?%\s+p=\S+ \*\*\*$/);
    expect(text).toMatch(/Marked \(\*\) differences are significant/);

    const same = captureIo();
    expect(await runCli(['bench', '--compare', fast, fast], { io: same.io })).toBe(0);
    expect(same.output().stdout).not.toMatch(/\*/);
    expect(same.output().stdout).toMatch(/No tested difference is significant/);
  });

  it('names the file that is not a report, and wants exactly two files and no URL', async () => {
    const notReport = path.join(dir, 'other.json');
    await writeFile(notReport, '{"hello": 1}');
    const bad = captureIo();
    expect(await runCli(['bench', '--compare', notReport, notReport], { io: bad.io })).toBe(2);
    expect(bad.output().stderr).toContain(`${JSON.stringify(notReport)} is not an rf bench --json report`);

    const one = captureIo();
    expect(await runCli(['bench', '--compare', notReport], { io: one.io })).toBe(2);
    expect(one.output().stderr).toMatch(/exactly two --json files, got 1/);

    const missing = captureIo();
    expect(await runCli(['bench', '--compare', path.join(dir, 'nope.json'), notReport], { io: missing.io })).toBe(2);
    expect(missing.output().stderr).toMatch(/cannot read .*nope\.json/);

    const noUrl = captureIo();
    expect(await runCli(['bench'], { io: noUrl.io })).toBe(2);
    expect(noUrl.output().stderr).toMatch(/needs a URL/);
  });
});
