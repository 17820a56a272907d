/**
 * A worker's graceful shutdown, in the order that drops no accepted request:
 *
 * 1. stop accepting (new connections are refused once every worker closed its
 *    server; requests on open keep-alive connections get 503);
 * 2. drain the executor: queued fetches are cancelled at once, running ones
 *    get until the deadline, the rest are aborted; its children exit;
 * 3. every future has now settled, so each open POST /fetch writes its last
 *    lines and ends: wait for that;
 * 4. close the session (its sockets) and wait for the server's connections.
 */
import type { FuturesSession, ProcessPoolExecutor } from '@requests-futures/core';
import type { ServiceConfig } from './config.js';
import type { ServiceServer } from './http-server.js';
import { log } from './log.js';

export interface WorkerParts {
  readonly service: ServiceServer;
  readonly executor: ProcessPoolExecutor;
  readonly session: FuturesSession;
  readonly config: ServiceConfig;
}

export async function shutDownWorker({ service, executor, session, config }: WorkerParts, signal: string): Promise<void> {
  log('draining', { signal, deadlineSeconds: config.drainDeadline, graceSeconds: config.drainGrace, children: executor.stats().workers, stats: executor.stats() });
  service.stopAccepting();
  const report = await executor.drain({ deadline: config.drainDeadline, grace: config.drainGrace });
  await service.responsesFinished();
  await session.close();
  await service.closed();
  log('drained', { report, children: executor.stats().workers, stats: executor.stats() });
}
