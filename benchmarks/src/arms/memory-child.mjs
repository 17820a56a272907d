/**
 * One memory-scenario run in a fresh process on bare `node` (no tsx), which
 * loads only the engine under test, as a user's script would: so its peak
 * RSS is the cost of this workload alone, not of the harness or of whatever
 * ran before. It requests `count` URLs pulled lazily from an async generator
 * and prints one JSON line: {"requests","seconds","peakRssMb","childrenPeakRssMb"}
 * (peaks: the kernel's VmHWM; a pool's children are read before they exit).
 *
 *   node memory-child.mjs --engine got|thread|process|idle --url URL --count N --in-flight 16 [--workers W]
 */
import { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { highWaterMarkMb, watchOwnPeak } from './peak-rss-child.mjs';

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
const peak = watchOwnPeak();

/** The URLs exist only as they are pulled: the queue is the consumer's to bound. */
async function* urls() {
  for (let i = 0; i < count; i++) yield `${base}?i=${i}`;
}

async function viaGot() {
  const { default: got } = await import('got');
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
  return { requests: done, childrenPeakRssMb: [] };
}

async function viaSession(session) {
  let done = 0;
  for await (const future of session.map(urls())) {
    const response = await future;
    if (response.statusCode !== 200) throw new Error(`${response.url} answered ${response.statusCode}`);
    done++;
  }
  return done;
}

async function main() {
  switch (engine) {
    case 'idle':
      await import('@requests-futures/core');
      return { requests: 0, childrenPeakRssMb: [] };
    case 'got':
      return viaGot();
    case 'thread': {
      const { FuturesSession } = await import('@requests-futures/core');
      const session = new FuturesSession({ maxWorkers: inFlight });
      try {
        return { requests: await viaSession(session), childrenPeakRssMb: [] };
      } finally {
        await session.close();
      }
    }
    case 'process': {
      const { FuturesSession, ProcessPoolExecutor } = await import('@requests-futures/core');
      const executor = new ProcessPoolExecutor({ maxWorkers: workers, concurrencyPerWorker: Math.round(inFlight / workers) });
      const session = new FuturesSession({ executor, adapterOptions: { poolMaxSize: inFlight } });
      try {
        const requests = await viaSession(session);
        return { requests, childrenPeakRssMb: executor.stats().workers.map((pid) => highWaterMarkMb(pid) ?? 0) };
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
const { requests, childrenPeakRssMb } = await main();
const seconds = (performance.now() - started) / 1000;
if (requests !== count && engine !== 'idle') throw new Error(`memory-child: ${requests} of ${count} requests completed`);
const peakRssMb = peak.peakMb();
peak.stop();
console.log(JSON.stringify({ requests, seconds, peakRssMb, childrenPeakRssMb }));
