/**
 * The worker's HTTP server: routes, and the bookkeeping a graceful shutdown
 * needs (which responses are still open, refusing new work while draining).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { FuturesSession, ProcessPoolExecutor } from '@requests-futures/core';
import type { ServiceConfig } from './config.js';
import { handleFetch } from './fetch-route.js';
import { describeError, log } from './log.js';
import { sendError, sendJson } from './respond.js';

export interface ServiceServer {
  readonly server: Server;
  readonly draining: boolean;
  /** Stops accepting connections; requests on connections already open are answered 503 (POST /fetch) with `Connection: close`. */
  stopAccepting(): void;
  /** Resolves once every response begun so far has ended. */
  responsesFinished(): Promise<void>;
  /** Resolves once the server has closed (every connection ended). */
  closed(): Promise<void>;
}

export function createServiceServer(session: FuturesSession, executor: ProcessPoolExecutor, config: ServiceConfig): ServiceServer {
  const open = new Set<Promise<void>>();
  const startedAt = Date.now();
  let draining = false;
  let closed: Promise<void> | undefined;

  const server = createServer((req, res) => {
    const finished = new Promise<void>((resolve) => res.once('close', resolve));
    open.add(finished);
    void finished.then(() => {
      open.delete(finished);
      // A keep-alive connection that just went idle would otherwise hold close() open.
      if (draining) server.closeIdleConnections();
    });
    if (draining) res.setHeader('connection', 'close');
    route(req, res).catch((error: unknown) => {
      log('request-error', { method: req.method, url: req.url, error: describeError(error) });
      if (!res.headersSent) sendError(res, 500, 'InternalError', 'the request failed inside the service');
      else res.destroy();
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://service').pathname;
    if (path === '/fetch') {
      if (req.method !== 'POST') return methodNotAllowed(res, 'POST');
      return handleFetch(req, res, { session, maxUrls: config.maxUrls, isDraining: () => draining });
    }
    if (path === '/stats') {
      if (req.method !== 'GET') return methodNotAllowed(res, 'GET');
      return sendJson(res, 200, {
        pid: process.pid,
        draining,
        // Besides this one.
        openResponses: open.size - 1,
        uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
        executor: executor.stats(),
      });
    }
    sendError(res, 404, 'NotFound', `no route for ${req.method} ${path}`);
  }

  return {
    server,
    get draining() {
      return draining;
    },
    stopAccepting() {
      if (draining) return;
      draining = true;
      closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
    },
    async responsesFinished() {
      while (open.size > 0) await Promise.all(open);
    },
    closed() {
      return closed ?? Promise.reject(new Error('closed() before stopAccepting()'));
    },
  };
}

function methodNotAllowed(res: ServerResponse, allowed: string): void {
  res.setHeader('allow', allowed);
  sendError(res, 405, 'MethodNotAllowed', `use ${allowed}`);
}
