/**
 * The curl/wget request flags of `rf download` (-H, --user-agent, --user,
 * --timeout / --connect-timeout / --read-timeout, --proxy, --insecure,
 * --ca-certificate, --max-filesize), turned into the session options the library takes, so
 * the CLI and the library cannot disagree on what a flag means.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import type { SessionStateOptions, TimeoutOption } from '@requests-futures/core';
import { UsageError } from '../errors.js';
import { parseByteSize } from '../util/byte-size.js';
import { parseHeader, parsePositiveSeconds } from '../util/parse.js';

export interface RawRequestFlags {
  /** commander collects every -H into this array (absent when called without commander). */
  header?: string[];
  userAgent?: string;
  user?: string;
  timeout?: string;
  connectTimeout?: string;
  readTimeout?: string;
  proxy?: string;
  insecure?: boolean;
  caCertificate?: string;
  maxFilesize?: string;
}

/** The session options a download run's flags ask for: what FuturesSession takes as is. */
export type DownloadSessionOptions = Pick<SessionStateOptions, 'headers' | 'auth' | 'timeout' | 'proxies' | 'verify' | 'maxResponseBytes'>;

/** Commander's accumulator for a repeatable option. */
export function collectRepeated(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function headersFrom(raw: RawRequestFlags): Record<string, string> | undefined {
  const headers: Record<string, string> = {};
  const seen = new Map<string, string>();
  for (const text of raw.header ?? []) {
    const [name, value] = parseHeader(text);
    const earlier = seen.get(name.toLowerCase());
    // Two values for one name would be sent as one of them, silently: refuse instead.
    if (earlier !== undefined) throw new UsageError(`-H ${JSON.stringify(name)} is given twice (also as ${JSON.stringify(earlier)})`);
    seen.set(name.toLowerCase(), name);
    headers[name] = value;
  }
  if (raw.userAgent !== undefined) {
    if (seen.has('user-agent')) throw new UsageError('--user-agent and -H "User-Agent: ..." contradict each other: give one');
    headers['User-Agent'] = raw.userAgent;
  }
  return Object.keys(headers).length > 0 ? headers : undefined;
}

/** USER[:PASSWORD] → Basic auth; no prompt (a missing password is empty, as curl's -u USER: is). */
function authFrom(user: string | undefined): [string, string] | undefined {
  if (user === undefined) return undefined;
  const colon = user.indexOf(':');
  const name = colon === -1 ? user : user.slice(0, colon);
  if (name === '') throw new UsageError(`--user must be USER or USER:PASSWORD, got ${JSON.stringify(user)}`);
  return [name, colon === -1 ? '' : user.slice(colon + 1)];
}

/** --timeout sets both parts; --connect-timeout / --read-timeout override one part each. */
function timeoutFrom(raw: RawRequestFlags): TimeoutOption | undefined {
  const both = raw.timeout !== undefined ? parsePositiveSeconds('--timeout', raw.timeout) : undefined;
  const connect = raw.connectTimeout !== undefined ? parsePositiveSeconds('--connect-timeout', raw.connectTimeout) : both;
  const read = raw.readTimeout !== undefined ? parsePositiveSeconds('--read-timeout', raw.readTimeout) : both;
  if (connect === undefined && read === undefined) return undefined;
  if (connect === read) return connect ?? null;
  return [connect ?? null, read ?? null];
}

function proxiesFrom(proxy: string | undefined): Record<string, string> | undefined {
  if (proxy === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`);
  } catch {
    throw new UsageError(`--proxy must be a URL such as http://host:3128, got ${JSON.stringify(proxy)}`);
  }
  if (url.protocol !== 'http:') throw new UsageError(`--proxy must be an http:// proxy (https targets go through CONNECT), got ${JSON.stringify(proxy)}`);
  return { all: url.href };
}

function verifyFrom(raw: RawRequestFlags): boolean | string | undefined {
  if (raw.insecure && raw.caCertificate !== undefined) {
    throw new UsageError('--insecure and --ca-certificate contradict each other: one skips verification, the other configures it');
  }
  if (raw.insecure) return false;
  if (raw.caCertificate === undefined) return undefined;
  // Children of a process pool read the bundle from their own working directory: hand them an absolute path.
  const bundle = path.resolve(raw.caCertificate);
  let isFile = false;
  try {
    isFile = statSync(bundle).isFile();
  } catch {
    isFile = false;
  }
  if (!isFile) throw new UsageError(`--ca-certificate: cannot read the CA bundle ${JSON.stringify(raw.caCertificate)}`);
  return bundle;
}

export function toSessionOptions(raw: RawRequestFlags): DownloadSessionOptions {
  const options: DownloadSessionOptions = {};
  const headers = headersFrom(raw);
  if (headers) options.headers = headers;
  const auth = authFrom(raw.user);
  if (auth) options.auth = auth;
  const timeout = timeoutFrom(raw);
  if (timeout !== undefined) options.timeout = timeout;
  const proxies = proxiesFrom(raw.proxy);
  if (proxies) options.proxies = proxies;
  const verify = verifyFrom(raw);
  if (verify !== undefined) options.verify = verify;
  // curl's --max-filesize: counted as the body is written, after decoding, so a small compressed body cannot fill the disk.
  if (raw.maxFilesize !== undefined) options.maxResponseBytes = parseByteSize('--max-filesize', raw.maxFilesize, 'a size in bytes');
  return options;
}
