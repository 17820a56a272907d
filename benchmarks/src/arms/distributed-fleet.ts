/**
 * A FuturesSession on DistributedExecutor for the distributed scenarios: the
 * arm's own `rf worker` processes (the built CLI bundle, as a user runs it)
 * on the scenario's redis-server, started when the arm opens and stopped
 * after its executor. This process then only coordinates, so its CPU time is
 * the coordinator's cost per task.
 */
import { ManagedProcess } from '../proc/managed-process.js';
import { RF_BUNDLE as RF } from '../rf-bundle.js';
import type { DistributedChoice, OpenSession } from './futures-arms.js';

const READY_MS = 30_000;

async function startWorker(choice: DistributedChoice, index: number): Promise<ManagedProcess> {
  const concurrency = Math.max(1, Math.round(choice.inFlight / choice.workers));
  const args = [RF, 'worker', '--redis', choice.redis, '--queue', choice.queue, '--concurrency', String(concurrency), '--name', `${choice.queue}-${index}`];
  const worker = new ManagedProcess(`rf worker ${index}`, process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let said = '';
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`rf worker ${index} not ready after ${READY_MS} ms: ${said}`)), READY_MS);
    worker.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      said += chunk;
      if (said.includes('consuming queue')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void worker.exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`rf worker ${index} exited (code ${code}, signal ${signal}) before it was ready: ${said}`));
    });
  });
  try {
    await ready;
  } catch (error) {
    await worker.stop();
    throw error;
  }
  return worker;
}

export async function openDistributedSession(choice: DistributedChoice): Promise<OpenSession> {
  const [{ FuturesSession }, { DistributedExecutor }] = await Promise.all([import('@requests-futures/core'), import('@requests-futures/distributed')]);
  const workers: ManagedProcess[] = [];
  const release = async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
  };
  try {
    for (let i = 0; i < choice.workers; i++) workers.push(await startWorker(choice, i));
  } catch (error) {
    await release();
    throw error;
  }
  // Twice what the workers run at once: each finds its next job waiting in Redis.
  const executor = new DistributedExecutor({ redis: choice.redis, queue: choice.queue, maxQueued: 2 * choice.inFlight });
  const session = new FuturesSession({ executor, adapterOptions: { poolMaxSize: choice.inFlight } });
  return { session, executor, release, helpers: () => ({ workers: workers.map((worker) => worker.child.pid!), redis: [choice.redisPid] }) };
}
