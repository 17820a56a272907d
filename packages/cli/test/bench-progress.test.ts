/**
 * What `rf bench` prints while it runs (a progress line a second on stderr:
 * rewritten in place on a terminal, plain lines otherwise; stdout stays the
 * report alone) and --warmup (load sent first, not counted).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { runCli } from '../dist/program.js';
import type { BenchReport } from '../dist/bench/report.js';
import { captureIo, closeServer } from './helpers.js';
import { countingServer, runBenchProcess } from './bench-process.js';

const PROGRESS_LINE = /rf bench: \d+ s, \d+ req\/s, \d+ requests, p99 [\d.]+ ms, \d+ errors/;

describe('rf bench progress and warm-up', () => {
  let server: Server;
  let url: string;
  let served = { count: 0 };

  beforeAll(async () => {
    ({ server, url, served } = await countingServer());
  });
  afterAll(() => closeServer(server));

  it('not a terminal, --json: a plain progress line each second on stderr, only the JSON on stdout', async () => {
    const { io, output } = captureIo();
    expect(await runCli(['bench', url, '-d', '2.5s', '-c', '2', '-R', '200', '--json'], { io })).toBe(0);
    const { stdout, stderr } = output();
    const report = JSON.parse(stdout) as BenchReport;
    expect(report.requests).toBeGreaterThan(0);
    const lines = stderr.split('\n').filter((line) => line !== '');
    // Seconds 1 and 2 of a 2.5 s run (the second may miss the end on a machine this busy, never a third appear).
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.length).toBeLessThanOrEqual(2);
    for (const line of lines) expect(line).toMatch(PROGRESS_LINE);
    expect(lines[0]).toMatch(/^rf bench: 1 s, /);
    expect(stderr).not.toMatch(/\r|\x1b/);
  });

  it('on a terminal: one line rewritten in place, cleared before the report; --no-progress prints none', async () => {
    let stderr = '';
    const tty = Object.assign(
      new Writable({
        write(chunk: Buffer, _encoding, callback) {
          stderr += chunk.toString();
          callback();
        },
      }),
      { isTTY: true },
    );
    const { io, output } = captureIo();
    expect(await runCli(['bench', url, '-d', '2.2s', '-c', '2'], { io: { ...io, stderr: tty } })).toBe(0);
    expect(stderr).not.toMatch(/\n/);
    const frames = stderr.split('\r\x1b[2K').filter((frame) => frame !== '');
    expect(frames.length).toBeGreaterThanOrEqual(1);
    expect(frames.length).toBeLessThanOrEqual(2);
    for (const frame of frames) expect(frame).toMatch(PROGRESS_LINE);
    expect(stderr.endsWith('\r\x1b[2K')).toBe(true);
    expect(output().stdout).toMatch(/^GET /);

    const quiet = captureIo();
    expect(await runCli(['bench', url, '-d', '1.2s', '-c', '2', '--no-progress'], { io: quiet.io })).toBe(0);
    expect(quiet.output().stderr).toBe('');
  });

  it('--processes 2: the children report their seconds through the start line (added up: bench-barrier.test.ts)', async () => {
    const run = await runBenchProcess([url, '-d', '2.5s', '-c', '4', '-R', '400', '--processes', '2']);
    const lines = run.stderr.split('\n').filter((line) => line !== '');
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.length).toBeLessThanOrEqual(2);
    for (const line of lines) expect(line).toMatch(PROGRESS_LINE);
    expect(run.survivors).toEqual([]);
  });

  it('--warmup 1s -R 100 -d 1s: the server sees both seconds, the report only the second', async () => {
    served.count = 0;
    const run = await runBenchProcess([url, '--warmup', '1s', '-R', '100', '-d', '1s', '-c', '4']);
    expect(run.report.warmupMs).toBe(1_000);
    expect(run.report.requests + run.report.cutOff).toBeGreaterThanOrEqual(98);
    expect(run.report.requests + run.report.cutOff).toBeLessThanOrEqual(100);
    expect(served.count).toBeGreaterThanOrEqual(196);
    expect(served.count).toBeLessThanOrEqual(200);
    expect(run.report.durationMs).toBeLessThan(1_100);
  });
});
