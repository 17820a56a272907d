/**
 * requests' trust_env, resolved in the coordinator (Session.prepare_request's
 * netrc, merge_environment_settings): the environment a request obeys is the
 * coordinator's, and what it decides travels in the spec, so a child process
 * with another environment sends the same request.
 */
import type { EnvironmentProxies } from '../http/no-proxy.js';
import { shouldBypassProxies } from '../http/no-proxy.js';

type Environment = Readonly<Record<string, string | undefined>>;

/** The schemes a request can use, plus `all` (ALL_PROXY) and `no` (NO_PROXY); names spelt out, as this runs per request. */
const PROXY_VARIABLES: ReadonlyArray<readonly [key: string, lower: string, upper: string]> = [
  ['http', 'http_proxy', 'HTTP_PROXY'],
  ['https', 'https_proxy', 'HTTPS_PROXY'],
  ['all', 'all_proxy', 'ALL_PROXY'],
  ['no', 'no_proxy', 'NO_PROXY'],
];

/**
 * urllib's getproxies_environment, for the keys a request can use: a
 * lowercase variable wins over its uppercase twin, and an empty lowercase one
 * unsets it; under CGI (REQUEST_METHOD set) HTTP_PROXY is ignored (httpoxy).
 */
export function environmentProxies(env: Environment): EnvironmentProxies {
  const proxies: EnvironmentProxies = {};
  for (const [key, lowerName, upperName] of PROXY_VARIABLES) {
    const lower = env[lowerName];
    const upper = key === 'http' && env.REQUEST_METHOD !== undefined ? undefined : env[upperName];
    const value = lower !== undefined ? lower : upper;
    if (value) proxies[key] = value;
  }
  return proxies;
}

/** REQUESTS_CA_BUNDLE, else CURL_CA_BUNDLE (an empty one counts as unset). */
export function environmentCaBundle(env: Environment): string | undefined {
  return env.REQUESTS_CA_BUNDLE || env.CURL_CA_BUNDLE || undefined;
}

export interface EnvironmentSettings {
  /** The request's proxies with the environment's added (request keys win), or the request's as given. */
  requestProxies: Record<string, string> | null | undefined;
  /** What redirects re-resolve against (requests' resolve_proxies); null when nothing is set. */
  environmentProxies: EnvironmentProxies | null;
  /** The request's verify, or the environment's CA bundle when the request left verify on. */
  requestVerify: boolean | string | undefined;
}

/**
 * requests' merge_environment_settings, before the session's settings are
 * merged in. As in requests, environment proxies are added to the request's
 * (so they win over the session's), and a CA bundle from the environment
 * replaces a verify the request did not turn off (so it wins over the session's).
 */
export function mergeEnvironmentSettings(url: string, proxies: Record<string, string> | null | undefined, verify: boolean | string | undefined, env: Environment): EnvironmentSettings {
  const fromEnvironment = environmentProxies(env);
  const hasAny = Object.keys(fromEnvironment).length > 0;
  let requestProxies = proxies;
  if (hasAny) {
    const target = URL.canParse(url) ? new URL(url) : null; // a bad URL fails in the engine, with requests' error
    if (target && !shouldBypassProxies(target, proxies?.no_proxy ?? fromEnvironment.no ?? null)) {
      requestProxies = { ...fromEnvironment, ...(proxies ?? {}) };
    }
  }
  const requestVerify = verify === undefined || verify === true ? (environmentCaBundle(env) ?? verify) : verify;
  return { requestProxies, environmentProxies: hasAny ? fromEnvironment : null, requestVerify };
}
