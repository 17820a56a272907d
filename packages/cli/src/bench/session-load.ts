/**
 * Load through our own engine: a FuturesSession on an in-process
 * ThreadPoolExecutor with one worker per connection, so what is measured is
 * the futures, the executor and the HTTP engine users get.
 */
import { FuturesSession } from '@requests-futures/core';
import { runClosedLoop, type LoadTally } from './load-loop.js';
import type { LoadSpec } from './load-spec.js';

export async function runSessionLoad(spec: LoadSpec): Promise<LoadTally> {
  const session = new FuturesSession({
    maxWorkers: spec.connections,
    adapterOptions: { poolMaxSize: spec.connections },
    timeout: spec.timeoutSeconds,
  });
  const options = spec.body === undefined ? { headers: spec.headers } : { headers: spec.headers, data: spec.body };
  try {
    return await runClosedLoop(spec, () => session.request(spec.method, spec.url, options));
  } finally {
    await session.close();
  }
}
