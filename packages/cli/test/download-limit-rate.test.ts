/**
 * `rf download --limit-rate RATE`: the achieved total rate of a run (4 MiB in
 * files of three sizes, six at once) is RATE within ±10 %, in this process
 * and with --processes 2 (one bucket in the coordinator for both children);
 * bad rates are usage errors naming the flag.
 */
import { describe, expect, it } from '@jest/globals';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli } from '../dist/program.js';
import { parseLimitRate } from '../dist/download/limit-rate.js';
import type { ManifestEntry } from '../dist/download/manifest.js';
import { captureIo, startLoopbackServer, useDownloadFixture } from './helpers.js';

const KiB = 1024;
/** When the first request of the current run reached the server. */
let firstArrival: number | undefined;

const chunk = Buffer.alloc(64 * KiB, 0x61);
const fixture = useDownloadFixture('rf-limit-rate-', () =>
  startLoopbackServer((req, res) => {
    firstArrival ??= performance.now();
    const size = Number(/^\/(\d+)\//.exec(req.url ?? '')?.[1] ?? 0);
    res.writeHead(200, { 'Content-Length': size, 'Content-Type': 'application/octet-stream' });
    // As fast as the socket takes it: only the client's limit slows the transfer.
    let sent = 0;
    const pump = (): void => {
      while (sent < size) {
        const piece = chunk.subarray(0, Math.min(chunk.length, size - sent));
        sent += piece.length;
        if (!res.write(piece)) {
          res.once('drain', pump);
          return;
        }
      }
      res.end();
    };
    pump();
  }),
);

/** 4 MiB: four files of 896 KiB and 32 of 16 KiB (each in one read). */
const SIZES = [...Array.from({ length: 4 }, () => 896 * KiB), ...Array.from({ length: 32 }, () => 16 * KiB)];
const TOTAL = SIZES.reduce((sum, size) => sum + size, 0);

describe.each(['0', '2'])('--limit-rate 1M with --processes %s', (processes) => {
  it('the run is served at 1 MiB/s within ±10 %, measured from the first request to the end of the run', async () => {
    const list = path.join(fixture.work, `list-${processes}.txt`);
    const manifest = path.join(fixture.work, `manifest-${processes}.jsonl`);
    await writeFile(list, SIZES.map((size, i) => `${fixture.server.url}/${size}/file-${i}.bin`).join('\n'));
    const { io, output } = captureIo();
    firstArrival = undefined;
    const code = await runCli(['download', list, '-o', path.join(fixture.work, `out-${processes}`), '-j', '6', '--processes', processes, '--limit-rate', '1M', '--manifest', manifest], { io });
    const seconds = (performance.now() - firstArrival!) / 1000;

    expect(code).toBe(0);
    const entries = (await readFile(manifest, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as ManifestEntry);
    expect(entries.reduce((sum, entry) => sum + (entry.bytes ?? 0), 0)).toBe(TOTAL);
    const rate = TOTAL / seconds;
    expect(rate).toBeGreaterThan(1024 * KiB * 0.9);
    expect(rate).toBeLessThan(1024 * KiB * 1.1);
    expect(output().stdout).toMatch(/Summary: 36 ok, 0 failed, 4\.19 MB transferred/);
  });
});

it('without --limit-rate the same list takes a fraction of the time (the control)', async () => {
  const list = path.join(fixture.work, 'list-control.txt');
  await writeFile(list, SIZES.map((size, i) => `${fixture.server.url}/${size}/file-${i}.bin`).join('\n'));
  const { io } = captureIo();
  firstArrival = undefined;
  const code = await runCli(['download', list, '-o', path.join(fixture.work, 'out-control'), '-j', '6', '--processes', '0'], { io });
  expect(code).toBe(0);
  expect(TOTAL / ((performance.now() - firstArrival!) / 1000)).toBeGreaterThan(4 * 1024 * KiB);
});

it('reads rates as wget and curl write them, in powers of 1024', () => {
  expect(parseLimitRate('--limit-rate', '10M')).toBe(10 * 1024 * 1024);
  expect(parseLimitRate('--limit-rate', '500k')).toBe(500 * 1024);
  expect(parseLimitRate('--limit-rate', '1.5M')).toBe(1.5 * 1024 * 1024);
  expect(parseLimitRate('--limit-rate', '250000')).toBe(250000);
  expect(parseLimitRate('--limit-rate', '2G')).toBe(2 * 1024 ** 3);
});

it.each(['0', 'fast', '-5M', '10X', ''])('--limit-rate %j is a usage error (exit 2) naming the flag', async (rate) => {
  const { io, output } = captureIo(`${fixture.server.url}/1/x.bin\n`);
  const code = await runCli(['download', '-', '-o', path.join(fixture.work, 'bad'), '--limit-rate', rate], { io });
  expect(code).toBe(2);
  expect(output().stderr).toContain('--limit-rate must be a rate in bytes a second');
});
