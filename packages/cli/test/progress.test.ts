import { describe, expect, it } from '@jest/globals';
import { FILE_LINES, LiveProgress, LogProgress, QuietProgress, createProgress, fileLine } from '../dist/download/progress.js';
import { LiveTransfers, type LiveTransfer } from '../dist/download/live-transfers.js';
import { formatDownloadSummary } from '../dist/download/summary.js';
import { DownloadTally, LISTED_FAILURES } from '../dist/download/tally.js';
import { captureIo } from './helpers.js';

const failure = (i: number) => ({ url: `http://127.0.0.1/f${i}`, path: `f${i}`, ok: false, status: 404, bytes: 0, transferred: 0, error: 'HTTP 404 Not Found' });

describe('download progress and summary', () => {
  it('logs one line per finished file when not on a terminal', () => {
    const { io, output } = captureIo();
    const tally = new DownloadTally();
    const progress = createProgress(tally, io);
    expect(progress).toBeInstanceOf(LogProgress);
    tally.recordQueued();
    tally.recordQueued();
    const ok = { url: 'http://127.0.0.1/a', path: '127.0.0.1/a', ok: true, status: 200, bytes: 2048, transferred: 2048, error: null };
    tally.recordOutcome(ok);
    progress.completed(ok);
    tally.inputDone = true;
    tally.recordOutcome(failure(1));
    progress.completed(failure(1));
    progress.badLine({ lineNumber: 7, text: 'nope', reason: 'not an http(s) URL: "nope"' });
    expect(output().stdout).toBe('[1/2+] ok 200 2.05 kB  127.0.0.1/a\n[2/2] FAILED http://127.0.0.1/f1  HTTP 404 Not Found\n');
    expect(output().stderr).toBe('line 7: not an http(s) URL: "nope"; skipped\n');
  });

  it('writes the lines of one turn in one write, in order, before a refused line goes to stderr, and the rest at stop()', async () => {
    const events: string[] = [];
    const { io } = captureIo();
    io.stdout.write = ((text: string) => events.push(`stdout ${JSON.stringify(text)}`) > 0) as typeof io.stdout.write;
    io.stderr.write = ((text: string) => events.push(`stderr ${JSON.stringify(text)}`) > 0) as typeof io.stderr.write;
    const tally = new DownloadTally();
    const progress = createProgress(tally, io);
    const ok = (name: string) => ({ url: `http://127.0.0.1/${name}`, path: name, ok: true, status: 200, bytes: 1, transferred: 1, error: null });
    for (const name of ['a', 'b']) {
      tally.recordQueued();
      tally.recordOutcome(ok(name));
      progress.completed(ok(name));
    }
    expect(events).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual(['stdout "[1/1+] ok 200 1 B  a\\n[2/2+] ok 200 1 B  b\\n"']);
    tally.recordQueued();
    tally.recordOutcome(ok('c'));
    progress.completed(ok('c'));
    progress.badLine({ lineNumber: 9, text: 'x', reason: 'not an http(s) URL: "x"' });
    tally.recordQueued();
    tally.recordOutcome(ok('d'));
    progress.completed(ok('d'));
    progress.stop();
    expect(events.slice(1)).toEqual(['stdout "[3/3+] ok 200 1 B  c\\n"', 'stderr "line 9: not an http(s) URL: \\"x\\"; skipped\\n"', 'stdout "[4/4+] ok 200 1 B  d\\n"']);
  });

  it('draws a bar on a terminal', () => {
    const { io, output } = captureIo();
    Object.assign(io.stderr, { isTTY: true, columns: 120 });
    const tally = new DownloadTally();
    const progress = createProgress(tally, io);
    expect(progress).toBeInstanceOf(LiveProgress);
    tally.recordQueued();
    progress.queued();
    tally.inputDone = true;
    progress.totalKnown();
    tally.recordOutcome({ url: 'u', path: 'p', ok: true, status: 200, bytes: 10, transferred: 10, error: null });
    progress.completed({ url: 'u', path: 'p', ok: true, status: 200, bytes: 10, transferred: 10, error: null });
    progress.stop();
    expect(output().stderr).toMatch(/1\/1 files \| 10 B \| [\d.]+ MB\/s \| ETA/);
  });

  it('counts the bytes of downloads in flight, with a line per file when few and one line when many', () => {
    const { io } = captureIo();
    Object.assign(io.stderr, { isTTY: true, columns: 120 });
    const tally = new DownloadTally();
    const live = new LiveTransfers();
    const progress = new LiveProgress(tally, io, live);
    const tasks = Array.from({ length: FILE_LINES + 1 }, () => ({}));
    live.update(tasks[0], 'big.iso', 262_144);
    live.update(tasks[0], 'big.iso', 524_288);
    live.update(tasks[1], null, 1000);
    let frame = progress.frame();
    expect(frame[0]).toContain('| 525.3 kB |');
    expect(frame.slice(1).map((line) => line.trim().split('  ').slice(0, 2))).toEqual([['big.iso', '524.3 kB'], ['(waiting for its name)', '1.00 kB']]);
    for (const task of tasks.slice(2)) live.update(task, 'x', 1);
    frame = progress.frame();
    expect(frame.slice(1)).toEqual([`  ${FILE_LINES + 1} downloads in flight, 525.3 kB received`]);
    live.finish(tasks[0]);
    expect(live.bytes).toBe(1000 + FILE_LINES - 1);
    progress.stop();
  });

  it('-q prints only failures and refused lines', () => {
    const { io, output } = captureIo();
    Object.assign(io.stderr, { isTTY: true });
    const tally = new DownloadTally();
    const progress = createProgress(tally, io, { quiet: true });
    expect(progress).toBeInstanceOf(QuietProgress);
    tally.recordQueued();
    tally.recordQueued();
    const ok = { url: 'http://127.0.0.1/a', path: 'a', ok: true, status: 200, bytes: 1, transferred: 1, error: null };
    tally.recordOutcome(ok);
    progress.completed(ok);
    tally.recordOutcome(failure(2));
    progress.completed(failure(2));
    progress.badLine({ lineNumber: 3, text: 'x', reason: 'not an http(s) URL: "x"' });
    progress.stop();
    expect(output().stdout).toBe('[2/2+] FAILED http://127.0.0.1/f2  HTTP 404 Not Found\n');
    expect(output().stderr).toBe('line 3: not an http(s) URL: "x"; skipped\n');
  });

  it('summarizes counts, bytes and rate, and lists at most the first failures', () => {
    const tally = new DownloadTally();
    tally.recordOutcome({ url: 'u', path: 'p', ok: true, status: 200, bytes: 3_000_000, transferred: 3_000_000, error: null });
    for (let i = 0; i < LISTED_FAILURES + 5; i += 1) tally.recordOutcome(failure(i));
    tally.recordBadLine();
    tally.finish();
    const summary = formatDownloadSummary(tally);
    expect(summary).toMatch(new RegExp(`^Summary: 1 ok, ${LISTED_FAILURES + 5} failed, 1 list line\\(s\\) skipped, 3\\.00 MB transferred in .+ \\([\\d.]+ MB/s\\)`));
    expect(summary).toContain('http://127.0.0.1/f0  HTTP 404 Not Found');
    expect(summary).not.toContain(`http://127.0.0.1/f${LISTED_FAILURES}  `);
    expect(summary).toContain('... and 5 more (see the manifest)');
    expect(tally.allOk).toBe(false);
  });
});

describe('a file in flight', () => {
  const transfer = (over: Partial<LiveTransfer>): LiveTransfer => ({ path: 'big.iso', bytes: 3_000_000, total: 6_000_000, firstAt: 1000, firstBytes: 1_000_000, lastAt: 2000, ...over });

  it('shows its share, its own rate since its first report, and its ETA when the server declared the size', () => {
    // 2 MB in the second between its reports: 2.0 MB/s; 3 MB left: 1.5 s.
    expect(fileLine(transfer({}))).toBe('big.iso  3.00 MB / 6.00 MB  50%  2.0 MB/s  ETA 1.50 s');
  });

  it('shows bytes and rate without share or ETA when the size is unknown (chunked, compressed)', () => {
    expect(fileLine(transfer({ total: null }))).toBe('big.iso  3.00 MB  2.0 MB/s');
  });

  it('has no rate (nor ETA) before a second report', () => {
    expect(fileLine(transfer({ lastAt: 1000 }))).toBe('big.iso  3.00 MB / 6.00 MB  50%  - MB/s');
  });
});
