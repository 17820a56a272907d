/**
 * OpenTelemetry spans for FuturesSession requests, built from the engine's
 * diagnostics_channel events alone (no patching): one CLIENT span per request,
 * started when `session.request()` is called (so its parent is the span active
 * in the caller's context), with `queued` and `running` events, the status
 * code, and the time spent waiting for a worker as attributes.
 */
import { context, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import { REQUEST_CHANNELS, type RequestDiagnostic } from '@requests-futures/core';
import diagnosticsChannel from 'node:diagnostics_channel';

/** Attribute names beyond OpenTelemetry's HTTP semantic conventions. */
export const ATTRIBUTES = {
  executor: 'requests_futures.executor',
  crossesProcesses: 'requests_futures.crosses_processes',
  /** From handed to the executor to started, in ms. */
  queueMs: 'requests_futures.queue_ms',
  outcome: 'requests_futures.outcome',
} as const;

/**
 * Subscribes to the request channels and turns each request into a span of
 * `tracer` (default: the global provider's). Returns the unsubscribe.
 */
export function instrumentRequests(tracer: Tracer = trace.getTracer('requests-futures')): () => void {
  const spans = new WeakMap<RequestDiagnostic, Span>();
  const handlers: Record<keyof typeof REQUEST_CHANNELS, (record: RequestDiagnostic) => void> = {
    start(record) {
      const span = tracer.startSpan(
        `HTTP ${record.method}`,
        {
          kind: SpanKind.CLIENT,
          startTime: record.startTime,
          attributes: {
            'http.request.method': record.method,
            'url.full': record.url,
            [ATTRIBUTES.executor]: record.executor,
            [ATTRIBUTES.crossesProcesses]: record.crossesProcesses,
          },
        },
        context.active(),
      );
      spans.set(record, span);
    },
    queued(record) {
      spans.get(record)?.addEvent('queued', record.queuedTime);
    },
    running(record) {
      const span = spans.get(record);
      if (!span) return;
      span.addEvent('running', record.runningTime);
      if (record.queuedTime !== undefined && record.runningTime !== undefined) span.setAttribute(ATTRIBUTES.queueMs, record.runningTime - record.queuedTime);
    },
    done(record) {
      const span = spans.get(record);
      if (!span) return;
      span.setAttribute(ATTRIBUTES.outcome, 'done');
      if (record.statusCode !== undefined) {
        span.setAttribute('http.response.status_code', record.statusCode);
        // OpenTelemetry's HTTP conventions: a CLIENT span with a 4xx or 5xx status is an error.
        if (record.statusCode >= 400) span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end(record.endTime);
      spans.delete(record);
    },
    error(record) {
      const span = spans.get(record);
      if (!span) return;
      span.setAttribute(ATTRIBUTES.outcome, record.outcome ?? 'error');
      const error = record.error instanceof Error ? record.error : new Error(String(record.error));
      span.recordException(error, record.endTime);
      span.setAttribute('error.type', error.name);
      span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
      span.end(record.endTime);
      spans.delete(record);
    },
  };
  const subscriptions = (Object.keys(handlers) as Array<keyof typeof handlers>).map((event) => {
    const listener = (message: unknown) => handlers[event](message as RequestDiagnostic);
    diagnosticsChannel.subscribe(REQUEST_CHANNELS[event], listener);
    return () => diagnosticsChannel.unsubscribe(REQUEST_CHANNELS[event], listener);
  });
  return () => subscriptions.forEach((unsubscribe) => unsubscribe());
}
