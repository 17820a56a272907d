/**
 * Run it: `pnpm build && node examples/otel/dist/main.js`. Starts a loopback
 * server, makes three requests inside a parent span on a ProcessPoolExecutor,
 * and prints the spans (ConsoleSpanExporter).
 */
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, ConsoleSpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { FuturesSession, ProcessPoolExecutor } from '@requests-futures/core';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { instrumentRequests } from './request-spans.js';

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new ConsoleSpanExporter())] });
const tracer = provider.getTracer('example');
const stop = instrumentRequests(tracer);

const server = createServer((req, res) => res.writeHead(req.url === '/missing' ? 404 : 200).end('ok'));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const executor = new ProcessPoolExecutor({ maxWorkers: 1 });
const session = new FuturesSession({ executor });
try {
  await tracer.startActiveSpan('fetch-batch', async (parent) => {
    await Promise.all(['/a', '/b', '/missing'].map((path) => session.get(base + path)));
    parent.end();
  });
} finally {
  stop();
  await session.close();
  await executor.shutdown();
  server.close();
  await provider.shutdown();
}
