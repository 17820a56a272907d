/** A RequestSpec as the session layer would build it, with requests' defaults. */
import { DEFAULT_MAX_REDIRECTS, DEFAULT_POOL_SIZE } from '../../dist/http/request-defaults.js';
import type { RequestSpec, RetryOptions } from '../../dist/http/request-spec.js';
import { resolveRetries } from '../../dist/http/retry.js';

/** Any field of a spec; `retries` as a caller gives them, resolved as buildSpec resolves them. */
export type SpecOverrides = Partial<Omit<RequestSpec, 'retries'>> & { retries?: number | RetryOptions | null };

export function specFor(url: string, overrides: SpecOverrides = {}): RequestSpec {
  const { retries, ...rest } = overrides;
  return {
    method: 'GET',
    url,
    params: null,
    headers: { 'User-Agent': 'rf-test', Accept: '*/*' },
    data: null,
    json: null,
    files: null,
    auth: null,
    timeout: null,
    allowRedirects: true,
    maxRedirects: DEFAULT_MAX_REDIRECTS,
    verify: true,
    cert: null,
    proxies: null,
    environmentProxies: null,
    netrcEnvironment: null,
    hooks: { response: [] },
    backgroundCallback: null,
    stream: false,
    http2: false,
    maxResponseBytes: null,
    saveTo: null,
    resume: false,
    expectedSha256: null,
    checksum: true,
    saveWithin: null,
    retries: resolveRetries(retries),
    cookieJar: null,
    pool: { maxSize: DEFAULT_POOL_SIZE, block: false },
    mountedPools: null,
    contexts: null,
    ...rest,
  };
}
