/**
 * Validating the URL and appending `params`, as requests' PreparedRequest
 * prepare_url does, so that a bad URL fails with the same class and message
 * it would in requests rather than got's generic ERR_INVALID_URL.
 */
import { InvalidSchema, InvalidURL, MissingSchema } from './errors.js';
import { urlencode } from './form-encoding.js';
import type { Params } from './request-spec.js';

export interface PreparedUrl {
  /** The URL to request, without credentials. */
  url: string;
  /** user:password found in the URL (requests' get_auth_from_url), if any. */
  auth?: [string, string];
}

const SUPPORTED_SCHEMES = new Set(['http:', 'https:']);

/** Parses an absolute http(s) URL or throws the error requests would. */
export function parseHttpUrl(raw: string): URL {
  const text = raw.trimStart();
  // requests hands anything with a ':' that does not start with "http" to a
  // connection adapter, and finds none: InvalidSchema.
  if (text.includes(':') && !text.toLowerCase().startsWith('http')) {
    throw new InvalidSchema(`No connection adapters were found for '${text}'`);
  }
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(text)) {
    throw new MissingSchema(`Invalid URL '${text}': No scheme supplied. Perhaps you meant https://${text}?`);
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch (error) {
    const noHost = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/*$/.test(text);
    throw new InvalidURL(`Invalid URL '${text}': ${noHost ? 'No host supplied' : 'could not be parsed'}`, { cause: error });
  }
  if (!SUPPORTED_SCHEMES.has(url.protocol)) {
    throw new InvalidSchema(`No connection adapters were found for '${text}'`);
  }
  if (url.hostname === '') throw new InvalidURL(`Invalid URL '${text}': No host supplied`);
  if (url.hostname.startsWith('*') || url.hostname.startsWith('.')) {
    throw new InvalidURL(`Invalid URL '${text}': URL has an invalid label.`);
  }
  return url;
}

function encodeParams(params: Params): string {
  return typeof params === 'string' ? params.replace(/^\?/, '') : urlencode(params);
}

/** The URL to send: validated, `params` appended to any query it already has, credentials lifted out. */
export function prepareUrl(raw: string, params?: Params | null): PreparedUrl {
  const url = parseHttpUrl(raw);
  let auth: [string, string] | undefined;
  if (url.username !== '' || url.password !== '') {
    auth = [decodeURIComponent(url.username), decodeURIComponent(url.password)];
    url.username = '';
    url.password = '';
  }
  const extra = params === undefined || params === null ? '' : encodeParams(params);
  if (extra !== '') {
    const existing = url.search.replace(/^\?/, '');
    url.search = existing === '' ? extra : `${existing}&${extra}`;
  }
  return auth === undefined ? { url: url.href } : { url: url.href, auth };
}
