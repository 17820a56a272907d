/** The headers every request of a run carries, whichever client sends it. */
import type { LoadSpec } from './load-spec.js';

/** The request's headers: the given ones, plus Basic auth from the URL's user info as curl and requests send it. */
export function requestHeaders(url: URL, spec: LoadSpec): Record<string, string> {
  const headers = { ...spec.headers };
  const has = (name: string) => Object.keys(headers).some((key) => key.toLowerCase() === name);
  if (!has('authorization') && (url.username !== '' || url.password !== '')) {
    const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    headers.Authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
  }
  // Set once so the body goes sized, not chunk-encoded.
  if (spec.body !== undefined && !has('content-length')) headers['Content-Length'] = String(Buffer.byteLength(spec.body));
  return headers;
}
