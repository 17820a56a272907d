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
