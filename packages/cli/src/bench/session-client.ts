/**
 * `--client session`: every request through our own engine, a FuturesSession
 * on an in-process ThreadPoolExecutor with one worker per connection, so what
 * is measured is the futures, the executor and the HTTP engine users get. A
 * different question from the default client's "how much load can this
 * machine generate": it costs ~25× more CPU per request.
 */
import { FuturesSession } from '@requests-futures/core';
import { errorClassName } from '../util/format.js';
import type { LoadClient } from './client.js';
import type { LoadSpec } from './load-spec.js';

export function openSessionClient(spec: LoadSpec): LoadClient {
  const session = new FuturesSession({
    maxWorkers: spec.connections,
    adapterOptions: { poolMaxSize: spec.connections },
    timeout: spec.timeoutSeconds,
  });
  const options = spec.body === undefined ? { headers: spec.headers } : { headers: spec.headers, data: spec.body };
  return {
    send: () => session.request(spec.method, spec.url, options),
    // Our engine already throws requests' exception classes.
    errorKind: errorClassName,
    // abort: requests cut off at the end of the run must not hold the exit up until their timeout.
    close: () => session.close({ abort: true }),
  };
}
