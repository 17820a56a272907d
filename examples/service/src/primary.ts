/**
 * The cluster primary: forks the workers, replaces one that dies while the
 * service runs, and on SIGTERM/SIGINT forwards SIGTERM to every worker and
 * exits once all of them have (exit code 1 if any of them failed to drain).
 * It logs every worker's pid, so a supervisor knows what must be gone after.
 */
import cluster, { type Worker } from 'node:cluster';
import type { ServiceConfig } from './config.js';
import { log } from './log.js';

export function runPrimary(config: ServiceConfig): void {
  const live = new Map<number, Worker>();
  const listening = new Set<number>();
  let ready = false;
  let stopping = false;
  let exitCode = 0;

  const fork = (): void => {
    const worker = cluster.fork();
    live.set(worker.id, worker);
    log('worker-forked', { worker: worker.process.pid });
  };

  cluster.on('listening', (worker, address) => {
    listening.add(worker.id);
    if (ready || listening.size < config.workers) return;
    ready = true;
    log('ready', { port: address.port, host: config.host, workers: [...live.values()].map((w) => w.process.pid) });
  });

  cluster.on('exit', (worker, code, signal) => {
    live.delete(worker.id);
    const hadStarted = listening.delete(worker.id);
    log('worker-exit', { worker: worker.process.pid, code, signal });
    if (code !== 0) exitCode = 1;
    if (!stopping && hadStarted) {
      fork();
      return;
    }
    // A worker that died before it ever listened (port taken, bad config) would die again: stop instead of forking forever.
    if (!stopping) stop('worker failed to start');
    else if (live.size === 0) finish();
  });

  const stop = (reason: string): void => {
    if (stopping) return;
    stopping = true;
    log('stopping', { reason, workers: [...live.values()].map((w) => w.process.pid) });
    if (live.size === 0) return finish();
    // Forwarded as a signal, not cluster's disconnect(): the worker decides how to drain.
    for (const worker of live.values()) worker.process.kill('SIGTERM');
  };

  const finish = (): void => {
    log('stopped', { exitCode });
    process.exit(exitCode);
  };

  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  log('primary', { workers: config.workers, port: config.port, host: config.host });
  for (let i = 0; i < config.workers; i++) fork();
}
