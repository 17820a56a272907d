/**
 * Politeness flags of rf download against loopback servers that record what
 * they received: --max-per-host (concurrency seen by the server),
 * --retry-on-http-error (requests seen per URL), --wait (spacing of arrivals).
 */
import { describe, expect, it } from '@jest/globals';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { runCli } from '../dist/program.js';
import type { ManifestEntry } from '../dist/download/manifest.js';
import { parseRetryStatusCodes } from '../dist/download/politeness.js';
import { captureIo, startLoopbackServer, useDownloadFixture } from './helpers.js';

/** Requests in flight at the server now, and the most seen at once. */
let active = 0;
let maxActive = 0;
const arrivals: { path: string; at: number }[] = [];
const failuresLeft = new Map<string, number>();

const fixture = useDownloadFixture('rf-politeness-', () =>
  startLoopbackServer((req, res) => {
    const urlPath = req.url ?? '/';
    arrivals.push({ path: urlPath, at: performance.now() });
    active += 1;
    maxActive = Math.max(maxActive, active);
    const status = /^\/status-(\d+)/.exec(urlPath);
    const left = failuresLeft.get(urlPath) ?? (status ? 1 : 0);
    // Each answer takes a while, so requests that are allowed to overlap do.
    setTimeout(() => {
      active -= 1;
      if (left > 0 && status) {
        failuresLeft.set(urlPath, left - 1);
        res.writeHead(Number(status[1]));
        res.end('try again');
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      res.end(`body of ${urlPath}`);
    }, 60);
  }),
);

let runs = 0;
async function download(paths: string[], flags: string[]) {
  runs += 1;
  arrivals.length = 0;
  failuresLeft.clear();
  maxActive = 0;
  const list = path.join(fixture.work, `list-${runs}.txt`);
  const manifest = path.join(fixture.work, `manifest-${runs}.jsonl`);
  await writeFile(list, paths.map((p) => `${fixture.server.url}${p}`).join('\n'));
  const { io, output } = captureIo();
  const code = await runCli(['download', list, '-o', path.join(fixture.work, `out-${runs}`), '--processes', '0', '--manifest', manifest, ...flags], { io });
  const entries = code === 2 ? [] : (await readFile(manifest, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as ManifestEntry);
  return { code, ...output(), entries };
}

const eight = Array.from({ length: 8 }, (_, i) => `/file-${i}.bin`);

describe('--max-per-host', () => {
  it('without it, -j 8 sends the server more than 2 requests at once (the control)', async () => {
    const run = await download(eight, ['-j', '8']);
    expect(run.code).toBe(0);
    expect(maxActive).toBeGreaterThan(2);
  });

  it('--max-per-host 2 holds the server to 2 requests at once, and every file arrives', async () => {
    const run = await download(eight, ['-j', '8', '--max-per-host', '2']);
    expect(run.code).toBe(0);
    expect(maxActive).toBe(2);
    expect(run.entries.filter((e) => e.ok)).toHaveLength(8);
  });

  it('--max-per-host 0 is a usage error', async () => {
    const run = await download(eight, ['--max-per-host', '0']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--max-per-host must be a positive integer/);
  });
});

describe('--retry-on-http-error', () => {
  it('a 500 fails at once by default (the core retries only 429 and 503)', async () => {
    const run = await download(['/status-500/a.bin'], ['--retries', '2']);
    expect(run.code).toBe(1);
    expect(run.entries[0]).toMatchObject({ ok: false, status: 500 });
    expect(arrivals).toHaveLength(1);
  });

  it('--retry-on-http-error 500 retries it, and the file arrives', async () => {
    const run = await download(['/status-500/a.bin'], ['--retries', '2', '--retry-on-http-error', '500,502']);
    expect(run.code).toBe(0);
    expect(run.entries[0]).toMatchObject({ ok: true, status: 200 });
    expect(arrivals.map((a) => a.path)).toEqual(['/status-500/a.bin', '/status-500/a.bin']);
  });

  it('keeps 429 and 503 and refuses codes that are not HTTP errors', () => {
    expect(parseRetryStatusCodes('--retry-on-http-error', '502, 500')).toEqual([429, 500, 502, 503]);
    expect(() => parseRetryStatusCodes('--retry-on-http-error', '200')).toThrow(/HTTP error codes \(400-599\)/);
    expect(() => parseRetryStatusCodes('--retry-on-http-error', '5xx')).toThrow(/got "5xx"/);
  });

  it('with --retries 0 it is a usage error', async () => {
    const run = await download(['/a.bin'], ['--retries', '0', '--retry-on-http-error', '500']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--retry-on-http-error needs retries/);
  });
});

describe('--wait', () => {
  it('without it, -j 8 sends them together (the control)', async () => {
    await download(eight.slice(0, 4), ['-j', '8']);
    expect((arrivals.at(-1)?.at ?? 0) - (arrivals[0]?.at ?? 0)).toBeLessThan(360);
  });

  it('spaces the requests to one host by at least the wait, even with -j 8', async () => {
    const run = await download(eight.slice(0, 4), ['-j', '8', '--wait', '0.4']);
    expect(run.code).toBe(0);
    expect(arrivals).toHaveLength(4);
    const gaps = arrivals.slice(1).map((a, i) => a.at - (arrivals[i]?.at ?? 0));
    // The requests start the wait apart; their arrival at the server varies by the loopback delivery
    // (12 ms seen on the loaded test machine), hence 10 % of slack on each gap and 30 ms on the whole.
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(360);
    expect(gaps.reduce((sum, gap) => sum + gap, 0)).toBeGreaterThanOrEqual(3 * 400 - 30);
  });

  it('--wait 0 and --wait soon are usage errors', async () => {
    expect((await download(['/a.bin'], ['--wait', '0'])).stderr).toMatch(/--wait must be a positive number of seconds/);
    expect((await download(['/a.bin'], ['--wait', 'soon'])).code).toBe(2);
  });
});
