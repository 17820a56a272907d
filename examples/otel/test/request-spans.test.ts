/**
 * The OpenTelemetry example produces one CLIENT span per request, on both
 * executors, as a child of the span active where the request was made, with
 * queued/running events, the status code, and errors recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { context, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ConnectionError, FuturesSession, ProcessPoolExecutor, ThreadPoolExecutor, type Executor } from '@requests-futures/core';
import { closedLoopbackPort, startHttpbin, type Httpbin } from '@requests-futures/testing';
import { ATTRIBUTES, instrumentRequests } from '../dist/request-spans.js';

const cases: Array<{ name: string; make: () => Executor }> = [
  { name: 'ThreadPoolExecutor', make: () => new ThreadPoolExecutor(1) },
  { name: 'ProcessPoolExecutor', make: () => new ProcessPoolExecutor({ maxWorkers: 1, concurrencyPerWorker: 1 }) },
];

const contextManager = new AsyncLocalStorageContextManager();
beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
});
afterAll(() => {
  context.disable();
});

describe.each(cases)('OpenTelemetry spans on $name', ({ make, name }) => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('test');
  let httpbin: Httpbin;
  let session: FuturesSession;
  let stop: () => void;
  beforeAll(async () => {
    httpbin = await startHttpbin();
    session = new FuturesSession({ executor: make() });
    stop = instrumentRequests(tracer);
  });
  afterAll(async () => {
    stop();
    await session.close();
    await session.executor.shutdown();
    await httpbin.close();
    await provider.shutdown();
  });

  it('each request is a CLIENT span under the caller span, with events, queue time and status', async () => {
    exporter.reset();
    let parentId = '';
    await tracer.startActiveSpan('batch', async (parent) => {
      parentId = parent.spanContext().spanId;
      // One worker: the second and third request wait in the queue.
      await Promise.all([session.get(`${httpbin.url}/get`), session.get(`${httpbin.url}/status/404`), session.get(`${httpbin.url}/status/500`)]);
      parent.end();
    });
    const requests = exporter.getFinishedSpans().filter((span) => span.name === 'HTTP GET');
    expect(requests).toHaveLength(3);
    for (const span of requests) {
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.parentSpanContext?.spanId).toBe(parentId);
      expect(span.attributes[ATTRIBUTES.executor]).toBe(name);
      expect(span.events.map((event) => event.name)).toEqual(['queued', 'running']);
      expect(span.attributes[ATTRIBUTES.queueMs]).toEqual(expect.any(Number));
      expect(span.ended).toBe(true);
    }
    const byStatus = new Map(requests.map((span) => [span.attributes['http.response.status_code'], span]));
    expect([...byStatus.keys()].sort()).toEqual([200, 404, 500]);
    expect(byStatus.get(200)!.status.code).toBe(SpanStatusCode.UNSET);
    expect(byStatus.get(404)!.status.code).toBe(SpanStatusCode.ERROR);
    expect(byStatus.get(200)!.attributes['url.full']).toBe(`${httpbin.url}/get`);
  });

  it('a failed request ends its span with the exception recorded', async () => {
    exporter.reset();
    const port = await closedLoopbackPort();
    await expect(session.get(`http://127.0.0.1:${port}/`)).rejects.toBeInstanceOf(ConnectionError);
    const deadline = Date.now() + 10_000;
    while (exporter.getFinishedSpans().length === 0 && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
    const [span] = exporter.getFinishedSpans();
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.attributes['error.type']).toBe('ConnectionError');
    expect(span?.attributes[ATTRIBUTES.outcome]).toBe('error');
    expect(span?.events.map((event) => event.name)).toContain('exception');
  });

  it('no span once unsubscribed', async () => {
    exporter.reset();
    stop();
    await session.get(`${httpbin.url}/get`);
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    stop = instrumentRequests(tracer);
  });
});

