import { describe, expect, it } from '@jest/globals';
import { LatencyRecorder, summarizeLatency } from '../dist/bench/histogram.js';
import { runLoadLoop } from '../dist/bench/load-loop.js';
import { mergeTallies, planShares } from '../dist/bench/coordinator.js';
import { encodeTally } from '../dist/bench/loop-task.js';
import { splitEvenly } from '../dist/bench/coordinator.js';
import { buildBenchReport } from '../dist/bench/report.js';
import { httpErrorKind, loadTimeoutError } from '../dist/bench/http-error-kind.js';
import { parseDurationMs, parseHeader } from '../dist/util/parse.js';

class ConnectionError extends Error {}

describe('latency histograms', () => {
  it('survive encoding and merge into exact counts and sane percentiles', () => {
    const a = new LatencyRecorder();
    const b = new LatencyRecorder();
    for (let i = 1; i <= 900; i += 1) a.recordMs(1); // 1 ms
    for (let i = 1; i <= 100; i += 1) b.recordMs(100); // 100 ms
    const merged = LatencyRecorder.merge([LatencyRecorder.decode(a.encode()), LatencyRecorder.decode(JSON.parse(JSON.stringify(b.encode())))]);
    expect(merged.histogram.totalCount).toBe(1000);
    expect(merged.count).toBe(1000);
    const summary = summarizeLatency(merged);
    expect(summary.p50).toBeCloseTo(1, 1);
    expect(summary.p99).toBeCloseTo(100, 0);
    expect(summary.max).toBeCloseTo(100, 0);
  });

  it('summarizes an empty histogram as zeros rather than NaN', () => {
    expect(summarizeLatency(new LatencyRecorder())).toMatchObject({ p50: 0, p9999: 0, max: 0, mean: 0, stddev: 0 });
  });
});

describe('runLoadLoop', () => {
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
    const tally = await runLoadLoop({ connections: 8, requests: 500 }, { send });
    expect(sent).toBe(500);
    expect(peak).toBeLessThanOrEqual(8);
    expect(peak).toBeGreaterThan(1);
    const answered = Object.values(tally.statusCodes).reduce((x, y) => x + y, 0);
    expect(tally.errors).toEqual({ ConnectionError: 50 });
    expect(answered).toBe(450);
    expect(tally.latency.count).toBe(450);
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
    const tally = await runLoadLoop({ connections: 1, requests: 1000 }, { send, errorKind: httpErrorKind }, { stop: stop.signal });
    expect(sent).toBe(10);
    expect(tally.errors).toEqual({ ConnectionError: 10 });
  });

  it('ends at the duration: what settled by then is counted, what was in flight is cut off', async () => {
    let sent = 0;
    const send = () => {
      sent += 1;
      return new Promise<{ statusCode: number }>((resolve) => setTimeout(() => resolve({ statusCode: 200 }), 5));
    };
    const tally = await runLoadLoop({ connections: 2, durationMs: 300 }, { send });
    const answered = tally.statusCodes['200'] ?? 0;
    expect(answered).toBeGreaterThan(0);
    expect(answered + tally.cutOff).toBe(sent);
    expect(tally.elapsedMs).toBeGreaterThanOrEqual(300);
  });

  it('in rate mode sends on schedule whatever the connections, and times from the due time', async () => {
    const tally = await runLoadLoop({ connections: 4, durationMs: 500, rate: 100 }, { send: async () => ({ statusCode: 204 }) });
    // Requests due at 0, 10, ... 490 ms: 50, all answered at once.
    expect((tally.statusCodes['204'] ?? 0) + tally.cutOff).toBe(50);
    expect(tally.uncorrected?.count).toBe(tally.latency.count);
    expect(tally.latency.sumUs).toBeGreaterThanOrEqual(tally.uncorrected!.sumUs);
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

  it('numbers every iteration once when a share is split again (rf bench --redis: workers, then their processes)', () => {
    const scenario = { moduleUrl: 'file:///s.mjs', iterationOffset: 0, iterationStride: 1 };
    const spec = { url: '', method: '', headers: {}, connections: 6, requests: 60, timeoutSeconds: 10, client: 'http' as const, scenario };
    const numbers: number[] = [];
    for (const workerShare of planShares(spec, 2)) {
      for (const processShare of planShares(workerShare, 3)) {
        const { iterationOffset, iterationStride } = processShare.scenario!;
        for (let ticket = 0; ticket < processShare.requests!; ticket++) numbers.push(iterationOffset + ticket * iterationStride);
      }
    }
    expect(numbers.sort((x, y) => x - y)).toEqual(Array.from({ length: 60 }, (_, i) => i));
  });

  it('merges tallies over the common window: the slowest process, not the sum or the spread of start times', () => {
    const a = new LatencyRecorder();
    const b = new LatencyRecorder();
    a.recordMs(1);
    b.recordMs(3);
    b.recordMs(3);
    const base = { cutOff: 0, bytes: 0 };
    const merged = mergeTallies([
      encodeTally({ ...base, latency: a, statusCodes: { '200': 1 }, errors: { ReadTimeout: 1 }, perSecond: [2], elapsedMs: 1000, cutOff: 1, bytes: 10 }, 11),
      encodeTally({ ...base, latency: b, statusCodes: { '200': 1, '503': 1 }, errors: {}, perSecond: [1, 1], elapsedMs: 1010, bytes: 20 }, 12),
    ]);
    expect(merged).toMatchObject({ statusCodes: { '200': 2, '503': 1 }, errors: { ReadTimeout: 1 }, durationMs: 1010, generators: 2, pids: [11, 12], cutOff: 1, bytes: 30, perSecond: [3, 1] });
    expect(merged.latency.histogram.totalCount).toBe(3);
    expect(merged.latency.maxUs).toBe(3000);
    expect(merged.uncorrected).toBeUndefined();
  });
});

describe('the bench report', () => {
  it('adds responses and errors into requests and computes the rate', () => {
    const latency = new LatencyRecorder();
    latency.recordMs(2);
    const report = buildBenchReport(
      { latency, statusCodes: { '200': 3, '500': 1 }, errors: { ReadTimeout: 1 }, cutOff: 2, bytes: 1000, perSecond: [5], durationMs: 500, generators: 2, pids: [11, 12] },
      { url: 'http://127.0.0.1/', method: 'GET', connections: 4, mode: 'processes', client: 'http' },
    );
    expect(report).toMatchObject({ requests: 5, responses: 4, cutOff: 2, requestsPerSecond: 10, bytesPerSecond: 2000, processes: 2, pids: [11, 12], client: 'http', rate: null });
    // Under a second: the one sample is the whole run's rate.
    expect(report.requestsPerSecondBySecond).toEqual({ min: 10, mean: 10, max: 10, stdev: 0, samples: 1 });
  });

  it('takes min/mean/max per second over the complete seconds only', () => {
    const report = buildBenchReport(
      { latency: new LatencyRecorder(), statusCodes: { '200': 700 }, errors: {}, cutOff: 0, bytes: 0, perSecond: [100, 300, 200, 100], durationMs: 3500, generators: 1, pids: [1] },
      { url: 'http://127.0.0.1/', method: 'GET', connections: 4, mode: 'in-process', client: 'http' },
    );
    expect(report.requestsPerSecondBySecond).toEqual({ min: 100, mean: 200, max: 300, stdev: 100, samples: 3 });
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
