/**
 * One memory-scenario run in a fresh Node process, so that its peak RSS is
 * the cost of this workload alone and not of whatever the harness ran
 * before. It requests `count` URLs pulled lazily from an async generator
 * and prints {"requests","seconds"} as one JSON line.
 *
 *   memory-child.ts --engine got|thread|process|idle --url URL --count N --in-flight 16 [--workers W]
 */
import { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import got from 'got';
import { FuturesSession, ProcessPoolExecutor } from '@requests-futures/core';

const { values } = parseArgs({
  options: {
    engine: { type: 'string' },
    url: { type: 'string' },
    count: { type: 'string' },
    'in-flight': { type: 'string', default: '16' },
    workers: { type: 'string', default: '2' },
  },
});
const engine = values.engine ?? 'thread';
const base = values.url ?? '';
const count = Number(values.count ?? 0);
const inFlight = Number(values['in-flight']);
const workers = Number(values.workers);

/** The URLs exist only as they are pulled: the queue is the consumer's to bound. */
async function* urls(): AsyncGenerator<string> {
  for (let i = 0; i < count; i++) yield `${base}?i=${i}`;
}

async function viaGot(): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: inFlight });
  const client = got.extend({ agent: { http: agent }, retry: { limit: 0 } });
  const source = urls();
  let done = 0;
  const lane = async () => {
    for (let next = await source.next(); !next.done; next = await source.next()) {
      await client.get(next.value).text();
      done++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  agent.destroy();
  return done;
}

async function viaSession(session: FuturesSession): Promise<number> {
  let done = 0;
  for await (const future of session.map(urls())) {
    const response = await future;
    if (response.statusCode !== 200) throw new Error(`${response.url} answered ${response.statusCode}`);
    done++;
  }
  return done;
}

async function main(): Promise<number> {
  switch (engine) {
    case 'idle':
      return 0;
    case 'got':
      return viaGot();
    case 'thread': {
      const session = new FuturesSession({ maxWorkers: inFlight });
      try {
        return await viaSession(session);
      } finally {
        await session.close();
      }
    }
    case 'process': {
      const executor = new ProcessPoolExecutor({ maxWorkers: workers, concurrencyPerWorker: Math.round(inFlight / workers) });
      const session = new FuturesSession({ executor, adapterOptions: { poolMaxSize: inFlight } });
      try {
        return await viaSession(session);
      } finally {
        await session.close();
        await executor.shutdown();
      }
    }
    default:
      throw new Error(`memory-child: unknown --engine ${engine} (got, thread, process, idle)`);
  }
}

const started = performance.now();
const requests = await main();
const seconds = (performance.now() - started) / 1000;
if (requests !== count && engine !== 'idle') throw new Error(`memory-child: ${requests} of ${count} requests completed`);
console.log(JSON.stringify({ requests, seconds }));
