/**
 * One NDJSON line per URL of POST /fetch, written as soon as that URL's future
 * settles: a response (status, bytes), an error (its name and message), or a
 * cancellation record that says why (e.g. DrainDeadlineError: still running
 * when the drain's deadline passed).
 */
import { performance } from 'node:perf_hooks';
import { CancelledError, type Future, type Response } from '@requests-futures/core';
import { describeError } from './log.js';

export type ResultLine =
  | { url: string; status: number; bytes: number; elapsedMs: number }
  | { url: string; error: { name: string; message: string }; elapsedMs: number }
  | { url: string; cancelled: true; error: { name: string; message: string; reason: string | null }; elapsedMs: number };

/** Resolves (never rejects) once `future` settles. `startedAt` is performance.now() when the service accepted the URL. */
export async function resultLine(url: string, future: Future<Response>, startedAt: number): Promise<ResultLine> {
  try {
    const response = await future;
    return { url, status: response.statusCode, bytes: response.content.byteLength, elapsedMs: elapsedSince(startedAt) };
  } catch (error) {
    return errorLine(url, error, startedAt);
  }
}

/** A URL that failed before it had a future (the session refused it at once). */
export function errorLine(url: string, error: unknown, startedAt: number): ResultLine {
  if (error instanceof CancelledError) {
    const cause = (error as Error).cause;
    return {
      url,
      cancelled: true,
      error: { ...describeError(error), reason: cause === undefined ? null : describeError(cause).name },
      elapsedMs: elapsedSince(startedAt),
    };
  }
  return { url, error: describeError(error), elapsedMs: elapsedSince(startedAt) };
}

function elapsedSince(startedAt: number): number {
  return Math.round((performance.now() - startedAt) * 10) / 10;
}
