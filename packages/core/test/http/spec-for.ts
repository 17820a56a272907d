/** A RequestSpec as the session layer would build it, with requests' defaults. */
import type { RequestSpec } from '../../dist/http/request-spec.js';

export function specFor(url: string, overrides: Partial<RequestSpec> = {}): RequestSpec {
  return {
    method: 'GET',
    url,
    headers: { 'User-Agent': 'rf-test', Accept: '*/*' },
    allowRedirects: true,
    maxRedirects: 30,
    verify: true,
    hooks: { response: [] },
    pool: { maxSize: 10, block: false },
    ...overrides,
  };
}
