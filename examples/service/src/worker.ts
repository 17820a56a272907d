/**
 * A cluster worker: its own ProcessPoolExecutor (children are per worker, not
 * shared across the cluster), one FuturesSession on it, and the HTTP server.
 * SIGTERM (forwarded by the primary) or SIGINT starts the graceful shutdown.
 */
import { FuturesSession, ProcessPoolExecutor } from '@requests-futures/core';
import type { ServiceConfig } from './config.js';
import { createServiceServer } from './http-server.js';
import { describeError, log } from './log.js';
import { shutDownWorker } from './worker-shutdown.js';

/** Past the drain's deadline, the grace it gives aborted fetches, and this margin, the worker stops waiting and exits anyway. */
const HARD_STOP_MARGIN_SECONDS = 15;

export function runWorker(config: ServiceConfig): void {
  const executor = new ProcessPoolExecutor({
    maxWorkers: config.poolProcesses,
    concurrencyPerWorker: config.poolConcurrency,
  });
  const session = new FuturesSession({ executor, timeout: config.requestTimeout, maxResponseBytes: config.maxResponseBytes });
  const service = createServiceServer(session, executor, config);
  service.server.once('error', (error) => {
    // Listening failed (port taken, address missing): the primary sees the exit and stops.
    log('listen-error', { error: describeError(error) });
    process.exit(1);
  });
  service.server.listen(config.port, config.host);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    // A shutdown that hangs (a client that never reads its stream) must not keep the worker forever.
    const hardStopSeconds = config.drainDeadline + config.drainGrace + HARD_STOP_MARGIN_SECONDS;
    const hardStop = setTimeout(() => {
      log('shutdown-timeout', { afterSeconds: hardStopSeconds });
      process.exit(1);
    }, hardStopSeconds * 1000);
    hardStop.unref();
    shutDownWorker({ service, executor, session, config }, signal).then(
      () => process.exit(0),
      (error: unknown) => {
        log('shutdown-error', { error: describeError(error) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
