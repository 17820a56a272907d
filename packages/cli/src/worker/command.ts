/**
 * `rf worker --redis URL --queue NAME [--concurrency N] [--processes N]`: runs
 * the tasks DistributedExecutors put on a BullMQ queue, on this machine, until
 * SIGINT/SIGTERM; then it takes no new job, lets running ones finish and
 * reply, and exits 0. It also takes its share of `rf bench --redis` runs
 * (bench-responder.ts).
 */
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { writeLine, type CliIo } from '../io.js';
import { parseNonNegativeInteger, parsePositiveInteger, parsePositiveSeconds } from '../util/parse.js';

interface RawWorkerOptions {
  redis?: string;
  queue?: string;
  concurrency: string;
  processes: string;
  prefix: string;
  name?: string;
  lockDuration: string;
  stalledInterval: string;
  maxStalledCount: string;
}

export function registerWorkerCommand(program: Command, io: CliIo, done: (exitCode: number) => void, signal?: AbortSignal): void {
  program
    .command('worker')
    .description("run the tasks of DistributedExecutors (and rf download/bench --redis) from a BullMQ queue on Redis")
    .option('--redis <URL>', 'the Redis server, e.g. redis://127.0.0.1:6379')
    .option('--queue <NAME>', 'the queue to consume (the coordinator\'s queue option)')
    .option('--concurrency <N>', 'jobs run at once by this worker', '8')
    .option('--processes <N>', 'run jobs in N local child processes (0: in this process)', '0')
    .option('--prefix <P>', "Redis key prefix, as the coordinator's", 'rf')
    .option('--name <NAME>', 'the name coordinators see (default: hostname.pid)')
    .option('--lock-duration <S>', "seconds a job's lock lasts without renewal; every worker of a queue must agree", '10')
    .option('--stalled-interval <S>', 'seconds between checks for jobs whose worker was lost', '5')
    .option('--max-stalled-count <N>', 'times a lost job is rerun (when safe) before it fails with WorkerLost', '1')
    .action(async (raw: RawWorkerOptions) => {
      if (raw.redis === undefined) throw new UsageError('rf worker needs --redis URL');
      if (raw.queue === undefined) throw new UsageError('rf worker needs --queue NAME');
      const options = {
        redis: raw.redis,
        queue: raw.queue,
        prefix: raw.prefix,
        concurrency: parsePositiveInteger('--concurrency', raw.concurrency),
        processes: parseNonNegativeInteger('--processes', raw.processes),
        lockDuration: parsePositiveSeconds('--lock-duration', raw.lockDuration),
        stalledInterval: parsePositiveSeconds('--stalled-interval', raw.stalledInterval),
        maxStalledCount: parseNonNegativeInteger('--max-stalled-count', raw.maxStalledCount),
        ...(raw.name === undefined ? {} : { name: raw.name }),
      };
      // bullmq and ioredis load only for this command.
      const { DistributedWorker } = await import('@requests-futures/distributed');
      let worker: InstanceType<typeof DistributedWorker>;
      try {
        worker = new DistributedWorker(options);
      } catch (error) {
        if (error instanceof TypeError || error instanceof RangeError) throw new UsageError(error.message);
        throw error;
      }
      await worker.started;
      const { BenchResponder } = await import('./bench-responder.js');
      const responder = await BenchResponder.start({ redis: options.redis, prefix: options.prefix, queue: options.queue, name: worker.name, processes: options.processes, log: (line) => writeLine(io.stderr, line) }).catch(async (error: unknown) => {
        await worker.close();
        throw error;
      });
      writeLine(io.stderr, `rf worker ${worker.name}: consuming queue ${options.queue} on ${options.redis} (concurrency ${options.concurrency}, ${options.processes === 0 ? 'in this process' : `${options.processes} processes`})`);
      await new Promise<void>((resolve) => {
        if (signal === undefined) return;
        if (signal.aborted) resolve();
        else signal.addEventListener('abort', () => resolve(), { once: true });
      });
      writeLine(io.stderr, `rf worker ${worker.name}: stopping, running jobs finish first`);
      await Promise.all([worker.close(), responder.close()]);
      writeLine(io.stderr, `rf worker ${worker.name}: stopped`);
      done(0);
    });
}
