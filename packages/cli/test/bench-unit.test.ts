import { describe, expect, it } from '@jest/globals';
import { createLatencyHistogram, decodeHistogram, encodeHistogram, mergeHistograms, recordLatencyMs, summarizeLatency } from '../dist/bench/histogram.js';
import { runClosedLoop } from '../dist/bench/load-loop.js';
import { mergeTallies, planShares } from '../dist/bench/coordinator.js';
import { splitEvenly } from '../dist/bench/split.js';
import { buildBenchReport } from '../dist/bench/report.js';
import { httpErrorKind, loadTimeoutError } from '../dist/bench/http-error-kind.js';
import { parseDurationMs, parseHeader } from '../dist/util/parse.js';

class ConnectionError extends Error {}

describe('latency histograms', () => {
  it('survive encoding and merge into exact counts and sane percentiles', () => {
    const a = createLatencyHistogram();
    const b = createLatencyHistogram();
    for (let i = 1; i <= 900; i += 1) recordLatencyMs(a, 1); // 1 ms
    for (let i = 1; i <= 100; i += 1) recordLatencyMs(b, 100); // 100 ms
    const merged = mergeHistograms([decodeHistogram(encodeHistogram(a)), decodeHistogram(encodeHistogram(b))]);
    expect(merged.totalCount).toBe(1000);
    const summary = summarizeLatency(merged);
    expect(summary.p50).toBeCloseTo(1, 1);
    expect(summary.p99).toBeCloseTo(100, 0);
    expect(summary.max).toBeCloseTo(100, 0);
  });

  it('summarizes an empty histogram as zeros rather than NaN', () => {
    expect(summarizeLatency(createLatencyHistogram())).toMatchObject({ p50: 0, max: 0, mean: 0 });
  });
});

describe('runClosedLoop', () => {
  it('sends exactly -n requests, never more than c at once, and counts answers and errors by class', async () => {
    let inFlight = 0;
    let peak = 0;
    let sent = 0;
    const send = async () => {
      sent += 1;
      const n = sent;
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
      if (n % 10 === 0) throw new ConnectionError('refused');
      return { statusCode: n % 7 === 0 ? 404 : 200 };
    };
    const tally = await runClosedLoop({ connections: 8, requests: 500 }, send);
    expect(sent).toBe(500);
    expect(peak).toBeLessThanOrEqual(8);
    expect(peak).toBeGreaterThan(1);
    const answered = Object.values(tally.statusCodes).reduce((x, y) => x + y, 0);
    expect(tally.errors).toEqual({ ConnectionError: 50 });
    expect(answered).toBe(450);
    expect(tally.histogram.totalCount).toBe(450);
    expect(tally.elapsedMs).toBeGreaterThan(0);
  });

  it('names errors with the given errorKind, and starts nothing once stopped', async () => {
    const stop = new AbortController();
    let sent = 0;
    const send = async () => {
      sent += 1;
      if (sent === 10) stop.abort();
      throw Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
    };
    const tally = await runClosedLoop({ connections: 1, requests: 1000 }, send, httpErrorKind, stop.signal);
    expect(sent).toBe(10);
    expect(tally.errors).toEqual({ ConnectionError: 10 });
  });

  it('stops starting requests once the duration is over', async () => {
    const tally = await runClosedLoop({ connections: 2, durationMs: 50 }, () => new Promise((resolve) => setTimeout(() => resolve({ statusCode: 200 }), 5)));
    expect(tally.statusCodes['200']).toBeGreaterThan(0);
    // The loop stops starting requests at 50 ms and waits for those in flight: the window covers at least -d.
    expect(tally.elapsedMs).toBeGreaterThanOrEqual(50);
  });
});

describe('splitting the load across processes', () => {
  it('shares connections and requests evenly, and uses no more processes than connections', () => {
    expect(splitEvenly(10, 3)).toEqual([4, 3, 3]);
    const spec = { url: 'http://127.0.0.1/', method: 'GET', headers: {}, connections: 3, requests: 500, timeoutSeconds: 10, client: 'http' as const };
    const shares = planShares(spec, 4);
    expect(shares.map((s) => s.connections)).toEqual([1, 1, 1]);
    expect(shares.map((s) => s.requests)).toEqual([167, 167, 166]);
  });

  it('gives every process the whole -d, not a share of it', () => {
    const spec = { url: 'http://127.0.0.1/', method: 'GET', headers: {}, connections: 16, durationMs: 2000, timeoutSeconds: 10, client: 'http' as const };
    const shares = planShares(spec, 2);
    expect(shares.map((s) => [s.connections, s.durationMs, s.requests])).toEqual([
      [8, 2000, undefined],
      [8, 2000, undefined],
    ]);
  });

  it('merges tallies over the common window: the slowest process, not the sum or the spread of start times', () => {
    const a = createLatencyHistogram();
    const b = createLatencyHistogram();
    recordLatencyMs(a, 1);
    recordLatencyMs(b, 3);
    recordLatencyMs(b, 3);
    const merged = mergeTallies([
      { histogram: encodeHistogram(a), statusCodes: { '200': 1 }, errors: { ReadTimeout: 1 }, elapsedMs: 1000, pid: 11 },
      { histogram: encodeHistogram(b), statusCodes: { '200': 1, '503': 1 }, errors: {}, elapsedMs: 1010, pid: 12 },
    ]);
    expect(merged).toMatchObject({ statusCodes: { '200': 2, '503': 1 }, errors: { ReadTimeout: 1 }, durationMs: 1010, generators: 2, pids: [11, 12] });
    expect(merged.histogram.totalCount).toBe(3);
  });
});

describe('the bench report', () => {
  it('adds responses and errors into requests and computes the rate', () => {
    const histogram = createLatencyHistogram();
    recordLatencyMs(histogram, 2);
    const report = buildBenchReport(
      { histogram, statusCodes: { '200': 3, '500': 1 }, errors: { ReadTimeout: 1 }, durationMs: 500, generators: 2, pids: [11, 12] },
      { url: 'http://127.0.0.1/', method: 'GET', connections: 4, mode: 'processes', client: 'http' },
    );
    expect(report).toMatchObject({ requests: 5, responses: 4, requestsPerSecond: 10, processes: 2, pids: [11, 12], client: 'http' });
  });
});

describe('node:http failures, named as requests names them', () => {
  it('maps socket, timeout, parser and TLS codes, and falls back to the class name', () => {
    const coded = (code: string) => Object.assign(new Error(code), { code });
    expect(httpErrorKind(coded('ECONNREFUSED'))).toBe('ConnectionError');
    expect(httpErrorKind(coded('ECONNRESET'))).toBe('ConnectionError');
    expect(httpErrorKind(coded('HPE_INVALID_CONSTANT'))).toBe('ConnectionError');
    expect(httpErrorKind(loadTimeoutError(true))).toBe('ConnectTimeout');
    expect(httpErrorKind(loadTimeoutError(false))).toBe('ReadTimeout');
    expect(httpErrorKind(coded('ERR_STREAM_PREMATURE_CLOSE'), 'body')).toBe('ChunkedEncodingError');
    expect(httpErrorKind(coded('ECONNRESET'), 'body')).toBe('ChunkedEncodingError');
    expect(httpErrorKind(coded('DEPTH_ZERO_SELF_SIGNED_CERT'))).toBe('SSLError');
    expect(httpErrorKind(new AggregateError([coded('ECONNREFUSED'), coded('ECONNREFUSED')]))).toBe('ConnectionError');
    expect(httpErrorKind(new RangeError('odd'))).toBe('RangeError');
  });
});

describe('option parsers', () => {
  it('read durations and headers, and name the option when a value is wrong', () => {
    expect(parseDurationMs('-d', '10')).toBe(10_000);
    expect(parseDurationMs('-d', '500ms')).toBe(500);
    expect(parseDurationMs('-d', '2m')).toBe(120_000);
    expect(() => parseDurationMs('-d', 'soon')).toThrow(/-d must be a duration/);
    expect(parseHeader('X-Token:  abc: d ')).toEqual(['X-Token', 'abc: d']);
    expect(() => parseHeader('no colon')).toThrow(/-H must look like/);
  });
});
