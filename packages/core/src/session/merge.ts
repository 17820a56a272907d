/**
 * Session state + per-request options → one RequestSpec, merged the way
 * requests merges them (sessions.py merge_setting / merge_hooks): request
 * values win, dictionaries merge key by key, and a null request value removes
 * the session's key.
 */
import { specAuth, type AuthOption } from '../http/auth.js';
import { resolve } from 'node:path';
import type { ClientCert, HookFn, Params, PoolOptions, RequestSpec } from '../http/request-spec.js';
import { resolveRetries } from '../http/retry.js';
import { headerValueText } from '../http/validate-request.js';
import type { HeadersOption, HooksOption, RequestOptions } from './options.js';
import { mergeEnvironmentSettings, processEnvironment, readEnvironment } from './environment.js';
import { netrcAuth, type NetrcEnvironment } from '../http/netrc.js';
import type { SessionState } from './session-state.js';
import { dictBehind } from './item-access.js';

type Environment = Readonly<Record<string, string | undefined>>;

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** requests' merge_setting for dictionaries, case-insensitive when asked (headers). */
export function mergeHeaders(session: HeadersOption, request: HeadersOption | undefined): Record<string, string> {
  const merged = new Map<string, [string, string]>();
  const apply = (source: HeadersOption | undefined) => {
    for (const [name, value] of Object.entries(source ?? {})) {
      if (value === null || value === undefined) merged.delete(name.toLowerCase());
      else merged.set(name.toLowerCase(), [name, headerValueText(name, value)]);
    }
  };
  apply(session);
  apply(request);
  return Object.fromEntries([...merged.values()]);
}

export function mergeParams(session: Params | undefined, request: Params | undefined): Params | undefined {
  if (request === undefined || request === null) return session;
  if (session === undefined || session === null) return request;
  // requests merges only two mappings; otherwise the request's setting stands.
  if (!isMapping(session) || !isMapping(request)) return request;
  const merged: Record<string, unknown> = { ...session };
  for (const [key, value] of Object.entries(request)) {
    if (value === null) delete merged[key];
    // Defined, not assigned: a "__proto__" key (JSON.parse makes them) stays a parameter.
    else Object.defineProperty(merged, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return merged as Params;
}

export function normalizeHooks(hooks: HooksOption | undefined): HookFn[] {
  const response = hooks?.response;
  if (response === undefined || response === null) return [];
  return Array.isArray(response) ? [...response] : [response];
}

/** requests' merge_hooks: the request's response hooks replace the session's when it has any. */
export function mergeHooks(session: HooksOption | undefined, request: HooksOption | undefined): HookFn[] {
  const fromRequest = normalizeHooks(request);
  return fromRequest.length > 0 ? fromRequest : normalizeHooks(session);
}

/** requests' merge_setting for proxies: the request's keys win; a request's null leaves the session's. */
function mergeProxies(session: Record<string, string> | null, request: Record<string, string> | null | undefined): Record<string, string> | null {
  return isMapping(request) ? { ...(session ?? {}), ...request } : session;
}

/** A pool child may run in another working directory: it gets absolute paths. */
function absoluteCert(cert: ClientCert | null | undefined): ClientCert | null {
  if (cert === null || cert === undefined) return null;
  return typeof cert === 'string' ? resolve(cert) : [resolve(cert[0]), resolve(cert[1])];
}

function pick<T>(request: T | undefined, session: T): T {
  return request === undefined ? session : request;
}

/**
 * requests' auth precedence: the request's, the session's, then (trustEnv) the
 * netrc file's for the URL's host, which in turn wins over userinfo in the URL.
 */
function mergeAuth(state: SessionState, url: string, options: RequestOptions, netrcEnvironment: NetrcEnvironment | null): AuthOption | undefined {
  const auth = pick(options.auth, state.auth);
  if (netrcEnvironment !== null && !options.auth && !state.auth) return netrcAuth(url, netrcEnvironment) ?? auth;
  return auth;
}

/**
 * The spec's parts that may hold a user's values as they were given (bodies,
 * params, hooks, auth, proxies...) or state a user may assign at any time,
 * which encodeAhead checks and copies. Every other part buildSpec makes itself
 * from validated options, JSON-safe by construction (strings, booleans, the
 * headers' strings, the pools mount() made), and it crosses as it is (the
 * serializer's EncodeOptions.checkOnly): that walk and its copies were ~8 % of
 * a coordinator's CPU per small GET.
 */
const USER_PARTS: readonly (keyof RequestSpec)[] = [
  'params', 'data', 'json', 'files', 'auth', 'timeout', 'maxRedirects', 'verify', 'proxies', 'hooks',
  'backgroundCallback', 'http2', 'maxResponseBytes', 'retries', 'cookieJar', 'contexts',
];
/** No hooks: `hooks` is buildSpec's own `{ response: [] }`. */
const USER_PARTS_BUT_HOOKS = USER_PARTS.filter((part) => part !== 'hooks');

/** What of `spec` encodeAhead must check (see USER_PARTS). */
export function specPartsToCheck(spec: RequestSpec): readonly (keyof RequestSpec)[] {
  return spec.hooks.response.length > 0 ? USER_PARTS : USER_PARTS_BUT_HOOKS;
}

/**
 * Every field resolved here, once, defaults included: the engine reads the
 * spec as it is. `env`: the environment trustEnv reads, this process's unless
 * given (tests); process.env is read once per synchronous run (environment.ts processEnvironment).
 * @throws RangeError for retry options that cannot be used (retry.ts resolveRetries).
 */
export function buildSpec(state: SessionState, method: string, url: string, options: RequestOptions, env?: Environment): RequestSpec {
  const reading = state.trustEnv ? (env === undefined ? processEnvironment() : readEnvironment(env)) : null;
  const settings = reading !== null ? mergeEnvironmentSettings(url, options.proxies, options.verify, reading) : null;
  const requestProxies = settings ? settings.requestProxies : options.proxies;
  const requestVerify = settings ? settings.requestVerify : options.verify;
  const adapter = state.adapters.adapterFor(url);
  const netrcEnvironment = reading !== null ? reading.netrc : null;
  const params = dictBehind(state.params);
  const headers = dictBehind(state.headers);
  const proxies = dictBehind(state.proxies);
  return {
    method: method.toUpperCase(),
    url,
    params: mergeParams(params.size > 0 ? (params.toObject() as Params) : undefined, options.params) ?? null,
    headers: options.headers === undefined ? headers.toCheckedObject() : mergeHeaders(headers.toObject(), options.headers),
    data: options.data ?? null,
    json: options.json ?? null,
    files: options.files ?? null,
    auth: specAuth(mergeAuth(state, url, options, netrcEnvironment)) ?? null,
    timeout: pick(options.timeout, state.timeout) ?? null,
    allowRedirects: options.allowRedirects ?? true,
    maxRedirects: state.maxRedirects,
    verify: requestVerify ?? state.verify,
    cert: absoluteCert(pick(options.cert, state.cert)),
    proxies: mergeProxies(proxies.size > 0 ? proxies.toObject() : null, requestProxies),
    environmentProxies: settings?.environmentProxies ?? null,
    netrcEnvironment,
    hooks: { response: mergeHooks(state.hooks, options.hooks) },
    backgroundCallback: (options.backgroundCallback as HookFn | null | undefined) ?? null,
    stream: options.stream ?? false,
    http2: options.http2 ?? state.http2,
    maxResponseBytes: pick(options.maxResponseBytes, state.maxResponseBytes),
    saveTo: options.saveTo ?? null,
    resume: options.resume ?? false,
    expectedSha256: options.expectedSha256?.toLowerCase() ?? null,
    checksum: options.checksum ?? true,
    saveWithin: options.saveWithin ?? null,
    retries: resolveRetries(pick(options.retries, adapter.maxRetries !== undefined ? adapter.maxRetries : state.retries)),
    cookieJar: state.cookies.snapshotFor(url, options.cookies),
    pool: adapter.pool,
    mountedPools: state.adapters.customized ? state.adapters.entries().map((m): [string, PoolOptions] => [m.prefix, m.pool]) : null,
    contexts: null,
  };
}
