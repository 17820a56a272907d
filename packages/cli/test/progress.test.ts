import { describe, expect, it } from '@jest/globals';
import { LogProgress, createProgress, BarProgress } from '../dist/download/progress.js';
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

  it('draws a bar on a terminal', () => {
    const { io, output } = captureIo();
    Object.assign(io.stderr, { isTTY: true, columns: 120, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
    const tally = new DownloadTally();
    const progress = createProgress(tally, io);
    expect(progress).toBeInstanceOf(BarProgress);
    tally.recordQueued();
    progress.queued();
    tally.inputDone = true;
    progress.totalKnown();
    tally.recordOutcome({ url: 'u', path: 'p', ok: true, status: 200, bytes: 10, transferred: 10, error: null });
    progress.completed({ url: 'u', path: 'p', ok: true, status: 200, bytes: 10, transferred: 10, error: null });
    progress.stop();
    expect(output().stderr).toMatch(/1\/1 files \| 10 B \| [\d.]+ MB\/s \| ETA/);
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
