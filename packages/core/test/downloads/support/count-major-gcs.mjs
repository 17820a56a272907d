/**
 * Downloads argv[2] to the file argv[3] through a FuturesSession in this
 * process, without a checksum, and prints how many full (mark-compact)
 * collections V8 ran meanwhile, as JSON: {"major": N, "bytes": B}.
 * Run by bulk-transfer-gc.test.ts as a process of its own, so that its heap
 * looks like rf download's and not like jest's.
 */
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { FuturesSession } from '@requests-futures/core';

const [url, target] = process.argv.slice(2);
const session = new FuturesSession({ trustEnv: false });
// Loading the engine runs a full collection of its own: count from the request on.
await session.get(`${url}?warm`).result();
let major = 0;
const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) major++;
});
observer.observe({ entryTypes: ['gc'] });
const response = await session.get(url, { saveTo: target, checksum: false }).result();
// GC entries are delivered asynchronously: let the observer see the last ones.
await new Promise((resolve) => setImmediate(resolve));
observer.disconnect();
await session.close();
process.stdout.write(JSON.stringify({ major, bytes: response.bytes ?? null }) + '\n');
