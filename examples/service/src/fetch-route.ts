/**
 * POST /fetch: a JSON array of URLs in, NDJSON out, one line per URL in the
 * order the fetches finish (see result-line.ts). Every URL is submitted in the
 * same tick the 200 is written, so a drain that begins later finds each of
 * them queued or running and settles all of them: the stream always ends with
 * one line per URL.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Future, FuturesSession, Response } from '@requests-futures/core';
import { sendError } from './respond.js';
import { errorLine, resultLine, type ResultLine } from './result-line.js';
import { BadRequestError, readUrlList } from './url-list.js';

export interface FetchRouteContext {
  readonly session: FuturesSession;
  readonly maxUrls: number;
  /** True once the service has begun shutting down. */
  isDraining(): boolean;
}

/** The cause of the cancellation of fetches whose client closed the connection. */
export class ClientGoneError extends Error {
  override readonly name = 'ClientGoneError';

  constructor() {
    super('the client closed the connection before every URL was fetched');
  }
}

export async function handleFetch(req: IncomingMessage, res: ServerResponse, context: FetchRouteContext): Promise<void> {
  let urls: string[];
  try {
    urls = await readUrlList(req, context.maxUrls);
  } catch (error) {
    if (!(error instanceof BadRequestError)) throw error;
    sendError(res, error.status, error.name, error.message);
    return;
  }
  // Checked after the body arrived: the drain may have begun while it was uploading.
  if (context.isDraining()) {
    sendError(res, 503, 'ServiceDraining', 'the service is shutting down; retry elsewhere');
    return;
  }

  res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
  res.flushHeaders();
  const startedAt = performance.now();
  const futures: Future<Response>[] = [];
  const lines = urls.map((url) => submitOne(context.session, url, startedAt, futures));
  res.once('close', () => {
    // Closed before our end(): nobody will read the rest, so stop fetching it.
    if (!res.writableFinished) for (const future of futures) future.abort(new ClientGoneError());
  });
  await Promise.all(lines.map((line) => line.then((value) => writeLine(res, value))));
  res.end();
}

function submitOne(session: FuturesSession, url: string, startedAt: number, futures: Future<Response>[]): Promise<ResultLine> {
  let future: Future<Response>;
  try {
    future = session.get(url);
  } catch (error) {
    // Refused synchronously (a malformed URL, say): still one line for it.
    return Promise.resolve(errorLine(url, error, startedAt));
  }
  futures.push(future);
  return resultLine(url, future, startedAt);
}

function writeLine(res: ServerResponse, line: ResultLine): void {
  if (!res.destroyed) res.write(`${JSON.stringify(line)}\n`);
}
