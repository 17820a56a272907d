/**
 * One bulk-scenario run in a process of its own, loading only what a user's
 * download script would: plain `node` (no tsx), and either
 * `@requests-futures/core`'s built dist (FuturesSession on a
 * ProcessPoolExecutor with saveTo) or got. So the peak RSS it reports is the
 * coordinator's alone, not the harness's (≈150 MiB with tsx, got, undici and
 * core loaded before any request).
 *
 *   node download-child.mjs '{"engine":"futures"|"got","urls":[…],"outDir":…,"inFlight":16,"workers":2}'
 *
 * It warms up untimed (the pool's children spawned and their got loaded, one
 * socket per lane opened, the per-chunk path optimised: see WARM_PASSES), then downloads every URL
 * once, timed, and prints one JSON line:
 * {"requests","seconds","bytes","peakRssMb","childrenPeakRssMb"}.
 * Peaks are the kernel's high-water marks (VmHWM), children's read before they exit.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { highWaterMarkMb, watchOwnPeak } from './peak-rss-child.mjs';

/**
 * Warm-up: WARM_PASSES passes of one 4 MiB range per lane, untimed, for either
 * engine. Measured on the quick set (16 × 4 MiB, 16 in flight): after one pass
 * of 1 MiB ranges the futures arm ran at 184 MB/s and got at 290; after four
 * passes of 4 MiB, 320–540 and 420–600. What the short run measured before was
 * V8 still optimising the per-chunk path (socket data, hash, batched writes),
 * not the steady state a long download runs at.
 */
const WARM_UP_RANGE = 'bytes=0-4194303';
const WARM_PASSES = 4;

const options = JSON.parse(process.argv[2] ?? '{}');
const { engine, urls, outDir, inFlight = 16, workers = 2 } = options;
if (!Array.isArray(urls) || urls.length === 0 || typeof outDir !== 'string') {
  throw new Error('download-child: expected a JSON argument with urls (non-empty) and outDir');
}
const peak = watchOwnPeak();
const fileFor = (index, prefix = '') => join(outDir, `${prefix}${String(index).padStart(4, '0')}.bin`);
const warmUpUrls = Array.from({ length: inFlight }, (_, lane) => urls[lane % urls.length]);

/** `inFlight` lanes pulling indexes 0..count-1 in order. */
async function inLanes(count, work) {
  let next = 0;
  const lane = async () => {
    while (next < count) await work(next++);
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, lane));
}

async function withFutures() {
  const { FuturesSession, ProcessPoolExecutor } = await import('@requests-futures/core');
  const executor = new ProcessPoolExecutor({ maxWorkers: workers, concurrencyPerWorker: Math.max(1, Math.round(inFlight / workers)) });
  const session = new FuturesSession({ executor, adapterOptions: { poolMaxSize: inFlight } });
  try {
    for (let pass = 0; pass < WARM_PASSES; pass++) await Promise.all(warmUpUrls.map((url, lane) => session.get(url, { headers: { Range: WARM_UP_RANGE }, saveTo: fileFor(lane, 'warm-up-') })));
    await rm(outDir, { recursive: true, force: true });
    await mkdir(outDir, { recursive: true });
    const started = performance.now();
    // requests-futures' idiom: submit everything, then collect.
    const futures = urls.map((url, index) => session.get(url, { saveTo: fileFor(index) }));
    let bytes = 0;
    for (const future of futures) {
      const response = await future;
      if (response.statusCode !== 200) throw new Error(`${response.url} answered ${response.statusCode}`);
      bytes += response.bytes ?? 0;
    }
    const seconds = (performance.now() - started) / 1000;
    const childrenPeakRssMb = executor.stats().workers.map((pid) => highWaterMarkMb(pid) ?? 0);
    return { bytes, seconds, childrenPeakRssMb };
  } finally {
    await session.close();
    await executor.shutdown();
  }
}

async function withGot() {
  const { default: got } = await import('got');
  const agent = new Agent({ keepAlive: true, maxSockets: inFlight });
  const client = got.extend({ agent: { http: agent }, retry: { limit: 0 } });
  try {
    for (let pass = 0; pass < WARM_PASSES; pass++) await Promise.all(warmUpUrls.map((url, lane) => pipeline(client.stream(url, { headers: { range: WARM_UP_RANGE } }), createWriteStream(fileFor(lane, 'warm-up-')))));
    await rm(outDir, { recursive: true, force: true });
    await mkdir(outDir, { recursive: true });
    const started = performance.now();
    let bytes = 0;
    await inLanes(urls.length, async (index) => {
      await pipeline(client.stream(urls[index]), createWriteStream(fileFor(index)));
      const { size } = await stat(fileFor(index));
      bytes += size;
    });
    return { bytes, seconds: (performance.now() - started) / 1000, childrenPeakRssMb: [] };
  } finally {
    agent.destroy();
  }
}

await mkdir(outDir, { recursive: true });
let result;
try {
  if (engine === 'futures') result = await withFutures();
  else if (engine === 'got') result = await withGot();
  else throw new Error(`download-child: unknown engine ${engine} (futures, got)`);
} finally {
  await rm(outDir, { recursive: true, force: true });
}
const peakRssMb = peak.peakMb();
peak.stop();
console.log(JSON.stringify({ requests: urls.length, ...result, peakRssMb }));
