/**
 * The got instance every hop runs on: requests' semantics as its defaults (no
 * retries, no redirects, no exception for 4xx/5xx, decompression, a body on
 * any method), so each request passes got only what varies.
 *
 * Its cacheOptions is emptied, for speed. got builds http.request's options
 * as `{ ...internals.cacheOptions, <35 more properties> }`. On Node 20's V8,
 * spreading a non-empty object and then adding that many properties takes
 * 60-100 µs and allocates about 18 KB per call, where `{ ...{}, ... }` takes
 * 5 µs. That was 7 % of a pool child's CPU on small GETs
 * (`createNativeRequestOptions`, measured with --cpu-prof). got reads
 * cacheOptions only when `cache` is set, which this engine never does.
 */
import type { Got } from 'got';
import type { Agents } from './agents.js';
import { requestWithDefinedOptions } from './native-request.js';
import type { GotTimeouts } from './timeouts.js';

export function requestsGot(got: Got): Got {
  const instance = got.extend({
    // Only so that cacheOptions can be replaced below; nothing changes the defaults afterwards.
    mutableDefaults: true,
    allowGetBody: true,
    retry: { limit: 0 },
    throwHttpErrors: false,
    followRedirect: false,
    decompress: true,
  });
  // A plain assignment replaces the object (a merge would keep the four undefined keys).
  instance.defaults.options.cacheOptions = {};
  return instance;
}

/** What every hop of one configuration hands got alike: the agents, the timeouts, whether TLS is verified, HTTP/2 or not. */
export interface HopConfig {
  agents: Agents;
  timeout: GotTimeouts;
  verify: boolean | string;
  /** Set for an HTTP/2 hop: got then picks http2-wrapper's request itself (native-request.ts is HTTP/1.1's). */
  http2?: unknown;
}

/**
 * got builds a new Options for each request and runs every option it is
 * given through a checking setter (assert.any per key, cloneRaw of the
 * object). Options that only change with the configuration go into an
 * extended instance instead, made once per configuration, so a request hands
 * got only its method, headers and body.
 */
const instancesByAgents = new WeakMap<Agents, Map<string, Got>>();
/** Timeouts are the caller's to vary per request: past this many kinds per agents, start over rather than grow. */
const MAX_CONFIGS_PER_AGENTS = 32;

/** The instance the last HTTP/1.1 hop got, and what it was for: nearly every hop of a process asks for the same one. */
let lastHttp1: { base: Got; agents: Agents; timeout: GotTimeouts; rejectUnauthorized: boolean; instance: Got } | undefined;

export function gotFor(base: Got, config: HopConfig): Got {
  const last = lastHttp1;
  const { agents, timeout, verify, http2 } = config;
  // A timeouts object is matched by identity: the engine hands the same one to every request without a timeout.
  if (http2 === undefined && last !== undefined && last.agents === agents && last.timeout === timeout && last.rejectUnauthorized === (verify !== false) && last.base === base) return last.instance;
  const instance = instanceFor(base, config);
  if (http2 === undefined) lastHttp1 = { base, agents, timeout, rejectUnauthorized: verify !== false, instance };
  return instance;
}

function instanceFor(base: Got, { agents, timeout, verify, http2 }: HopConfig): Got {
  const rejectUnauthorized = verify !== false;
  const http1 = http2 === undefined;
  const key = `${timeout.lookup ?? ''}|${timeout.connect ?? ''}|${timeout.secureConnect ?? ''}|${timeout.socket ?? ''}|${rejectUnauthorized}|${http1}`;
  let instances = instancesByAgents.get(agents);
  if (instances === undefined) instancesByAgents.set(agents, (instances = new Map()));
  let instance = instances.get(key);
  if (instance === undefined) {
    if (instances.size >= MAX_CONFIGS_PER_AGENTS) instances.clear();
    instance = base.extend({
      timeout,
      agent: { http: agents.http, https: agents.https },
      https: { rejectUnauthorized },
      // A proxied http:// hop still passes its own `request` (proxy.ts), which takes this one's place.
      ...(http1 ? { request: requestWithDefinedOptions } : {}),
    });
    instances.set(key, instance);
  }
  return instance;
}
