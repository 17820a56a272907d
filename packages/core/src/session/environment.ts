/**
 * requests' trust_env, resolved in the coordinator (Session.prepare_request's
 * netrc, merge_environment_settings): the environment a request obeys is the
 * coordinator's, and what it decides travels in the spec, so a child process
 * with another environment sends the same request.
 */
import { runAsMicrotask } from '../executors/idleness.js';
import { netrcEnvironmentOf, type NetrcEnvironment } from '../http/netrc.js';
import type { EnvironmentProxies } from '../http/no-proxy.js';
import { shouldBypassProxies } from '../http/no-proxy.js';

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * urllib's getproxies_environment, for the keys a request can use (the
 * schemes, plus `all`: ALL_PROXY and `no`: NO_PROXY): a lowercase variable
 * wins over its uppercase twin, and an empty lowercase one unsets it; under
 * CGI (REQUEST_METHOD set) HTTP_PROXY is ignored (httpoxy). Each name spelt
 * out, not a loop over a table of them: this runs for nearly every request,
 * and a loop destructuring its rows ran cold through the iterator protocol in
 * a fresh process. Each read is a getenv (~0.3 us here), so a variable is read
 * only when it can still decide: the uppercase twin when the lowercase one is
 * unset, REQUEST_METHOD when HTTP_PROXY would count.
 */
export function environmentProxies(env: Environment): EnvironmentProxies {
  const proxies: EnvironmentProxies = {};
  let http = env.http_proxy;
  if (http === undefined) {
    http = env.HTTP_PROXY;
    if (http !== undefined && env.REQUEST_METHOD !== undefined) http = undefined;
  }
  let https = env.https_proxy;
  if (https === undefined) https = env.HTTPS_PROXY;
  let all = env.all_proxy;
  if (all === undefined) all = env.ALL_PROXY;
  let no = env.no_proxy;
  if (no === undefined) no = env.NO_PROXY;
  if (http) proxies.http = http;
  if (https) proxies.https = https;
  if (all) proxies.all = all;
  if (no) proxies.no = no;
  return proxies;
}

/** REQUESTS_CA_BUNDLE, else CURL_CA_BUNDLE (an empty one counts as unset). */
export function environmentCaBundle(env: Environment): string | undefined {
  return env.REQUESTS_CA_BUNDLE || env.CURL_CA_BUNDLE || undefined;
}

/** Everything trustEnv reads of an environment, read in one go. Frozen: the requests of a turn share it. */
export interface EnvironmentReading {
  readonly proxies: Readonly<EnvironmentProxies>;
  readonly hasProxies: boolean;
  readonly caBundle: string | undefined;
  /** The variables netrc reads: the spec carries them for redirects too. */
  readonly netrc: NetrcEnvironment;
}

export function readEnvironment(env: Environment): EnvironmentReading {
  const proxies = environmentProxies(env);
  return Object.freeze({
    proxies: Object.freeze(proxies),
    hasProxies: Object.keys(proxies).length > 0,
    caBundle: environmentCaBundle(env),
    netrc: Object.freeze(netrcEnvironmentOf(env)),
  });
}

let readingThisRun: EnvironmentReading | undefined;

function forgetReading(): void {
  readingThisRun = undefined;
}

/**
 * process.env's reading, shared by the requests made in one synchronous run of
 * code: it is forgotten at the next microtask checkpoint, so code after an
 * `await` (or in a callback, a timer, any I/O) reads process.env again. Each
 * process.env read is a getenv and a string copy: the ~13 variables cost
 * ~4 us per request, ~5 % of a coordinator's CPU per small GET, and a burst
 * of requests (a loop of session.get, the replies of one IPC read settling
 * their futures) paid it per request. requests reads the environment per
 * request: only a change between two requests of the same synchronous run,
 * with no await between them, is not seen by the second.
 */
export function processEnvironment(): EnvironmentReading {
  if (readingThisRun === undefined) {
    readingThisRun = readEnvironment(process.env);
    runAsMicrotask(forgetReading);
  }
  return readingThisRun;
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
export function mergeEnvironmentSettings(url: string, proxies: Record<string, string> | null | undefined, verify: boolean | string | undefined, reading: EnvironmentReading): EnvironmentSettings {
  const { proxies: fromEnvironment, hasProxies: hasAny } = reading;
  let requestProxies = proxies;
  if (hasAny) {
    const target = URL.canParse(url) ? new URL(url) : null; // a bad URL fails in the engine, with requests' error
    if (target && !shouldBypassProxies(target, proxies?.no_proxy ?? fromEnvironment.no ?? null)) {
      requestProxies = { ...fromEnvironment, ...(proxies ?? {}) };
    }
  }
  const requestVerify = verify === undefined || verify === true ? (reading.caBundle ?? verify) : verify;
  return { requestProxies, environmentProxies: hasAny ? fromEnvironment : null, requestVerify };
}
