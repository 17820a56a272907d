/**
 * performRequest: one request with requests' semantics, from a RequestSpec
 * alone (it runs in the coordinator or in a child process, and never sees a
 * session). Redirects are followed here, one exchange at a time, to build
 * `history` and apply requests' rules for methods, bodies and credentials.
 */
import { createHash } from 'node:crypto';
import type { ByteBudget, TaskContext } from '../task-context.js';
import { abortError, throwIfTaskAborted, type AbortWatch } from './abort.js';
import { defaultAgentPool, type AgentPool } from './agents.js';
import { applyAuth, basicAuthHeader, isDigestAuthSpec, type DigestAuthSpec } from './auth.js';
import { prepareBody } from './body.js';
import type { OpenUpload } from './body-source.js';
import { NONE_ACCEPTED, RequestCookies, type AcceptedCookies } from './cookies.js';
import { ContentTooLarge, TooManyRedirects } from './errors.js';
import { identityLength } from './content-coding.js';
import { CaseInsensitiveHeaders } from './headers.js';
import type { PartialDownload } from './partial-download.js';
import { resolveProxies } from './no-proxy.js';
import { selectProxy } from './proxy.js';
import { readBody } from './read-body.js';
import { isRedirect, nextHop, type Hop } from './redirects.js';
import type { RequestSpec } from './request-spec.js';
import { Response, type ResponseRequest, type SetCookieRecord } from './response.js';
import { withRetries } from './retry.js';
import { sendHop, type HopResponse } from './send-hop.js';
import { attachBody } from './streamed-body.js';
import { toGotTimeouts, type GotTimeouts } from './timeouts.js';
import { prepareUrl } from './url.js';
import { validateHeaders, validateMethod } from './validate-request.js';

export interface PerformOptions {
  /** Connection pools to use; the process-wide default pool otherwise. */
  agents?: AgentPool;
  /**
   * Called with each redirect response before it is followed (requests runs
   * the response hooks there); what it returns takes the response's place in `history`.
   */
  onRedirect?: ((response: Response) => Promise<unknown>) | undefined;
}

/** What every hop of one request shares besides its spec. */
export interface RequestRun {
  readonly pool: AgentPool;
  /** The task's abort, watched without making its AbortSignal (abort.ts). */
  readonly abort: AbortWatch;
  readonly progress: ((bytes: number, total?: number) => void) | undefined;
  /** The executor's maxBytesPerSecond (task-context.ts), when it sets one. */
  readonly budget: ByteBudget | undefined;
  readonly onRedirect: PerformOptions['onRedirect'];
  /** Digest credentials' hop rules (digest-hops.ts), loaded only for a request that has them. */
  readonly digest: DigestHops | undefined;
  /** saveTo: writes a 2xx final body to the target (save-request.ts); undefined without saveTo. */
  readonly saveBody: SaveBody | undefined;
}

type DigestHops = typeof import('./digest-hops.js');

/** saveTo's writer of a 2xx final body: `partial` the part a resumed attempt continues, `userRange` the caller asked for a slice. */
export type SaveBody = (response: Response, answer: HopResponse, partial: PartialDownload | null, userRange: boolean, progress: ((bytes: number) => void) | undefined) => Promise<void>;

/** The first request of the chain, validated before anything is sent; `openUpload`: a pool child's, for a body the coordinator streams. */
export function firstHop(spec: RequestSpec, openUpload?: OpenUpload): Hop {
  const method = validateMethod(spec.method);
  const headers = new CaseInsensitiveHeaders();
  for (const [name, value] of Object.entries(spec.headers)) {
    // A null value means "do not send" (requests' merge_setting); the session usually removed it already.
    if (value === null || value === undefined) continue;
    headers.set(name, value);
  }
  const { url, auth: urlAuth } = prepareUrl(spec.url, spec.params);
  const auth = spec.auth ?? urlAuth;
  // requests applies auth after the headers, so it wins over an explicit Authorization header.
  if (Array.isArray(auth)) headers.set('Authorization', basicAuthHeader(...auth));
  // The store's own [name, value] pairs: iterating the headers would copy each one first.
  validateHeaders(headers.store.values());
  return { method, url, headers, body: prepareBody(spec, openUpload) };
}

/** Where each Set-Cookie the jar took came from, as the response and the session keep it. */
function setCookieRecords(url: string, accepted: AcceptedCookies): SetCookieRecord[] {
  return accepted.headers.map((header) => ({ url, header }));
}

function toResponse(hop: Hop, answer: HopResponse, content: Uint8Array | undefined, accepted: AcceptedCookies): Response {
  return new Response({
    statusCode: answer.statusCode,
    reason: answer.reason,
    url: hop.url,
    headers: answer.headers,
    ...(content !== undefined ? { content } : {}),
    elapsed: answer.elapsed,
    request: { method: hop.method, url: hop.url, headers: answer.sentHeaders },
    // Only what the jar accepted: a cookie for another domain was never set.
    cookies: accepted === NONE_ACCEPTED ? {} : { ...accepted.cookies },
    setCookies: accepted === NONE_ACCEPTED ? [] : setCookieRecords(hop.url, accepted),
  });
}

/**
 * `task`: the task this request runs in, handed over by whoever runs it (an
 * executor through request-task.ts, or the plain Session): its abort
 * (`aborted`, `onAbort`) stops the request, and its progress reporter and
 * byte budget see the body.
 */
export async function performRequest(spec: RequestSpec, task: TaskContext, options: PerformOptions = {}): Promise<Response> {
  const { budget } = task;
  const abort: AbortWatch = task;
  const progress = task.progressWanted ? task.progress : undefined;
  try {
    throwIfTaskAborted(abort);
    // A body the coordinator streams is in data or files: a request without them never reads the
    // context's openUpload, which a pool child's task context makes, a closure, on each read.
    const hop = firstHop(spec, spec.data === null && spec.files === null ? undefined : task.openUpload);
    const first = needsAuthObject(spec) ? await authorized(hop, spec) : hop;
    // Digest auth and saveTo are loaded by the first request that has them, not by every pool child.
    const digest = isDigestAuthSpec(spec.auth) ? await import('./digest-hops.js') : undefined;
    const run: RequestRun = { pool: options.agents ?? defaultAgentPool, abort, progress, budget, onRedirect: options.onRedirect, digest, saveBody: undefined };
    if (spec.saveTo) return await (await import('./save-request.js')).performSaving(spec, spec.saveTo, first, run);
    return await withRetries(spec.retries, first.method, abort, () => follow(spec, first, run, null));
  } catch (error) {
    // Whatever broke once the signal fired (got's AbortError, a half-read body) is the abort.
    if (abort.aborted) throw abortError(abort.signal.reason);
    throw error;
  }
}

/** requests' get_adapter per hop: the longest mounted prefix the hop's URL starts with, without case. */
function poolForHop(spec: RequestSpec, url: string): RequestSpec['pool'] {
  if (!spec.mountedPools) return spec.pool;
  const lower = url.toLowerCase();
  return spec.mountedPools.find(([prefix]) => lower.startsWith(prefix.toLowerCase()))?.[1] ?? spec.pool;
}

/** An auth object or function (auth.ts) prepares the first hop; none, a Basic pair or Digest credentials do not. */
const needsAuthObject = (spec: RequestSpec): boolean => !(spec.auth === null || Array.isArray(spec.auth) || isDigestAuthSpec(spec.auth));

/** The first hop as the request's auth object or function left it (auth.ts), its headers checked again. */
async function authorized(hop: Hop, spec: RequestSpec): Promise<Hop> {
  const prepared = await applyAuth(hop, spec.auth);
  validateHeaders(prepared.headers);
  return prepared;
}

/**
 * requests' rebuild_auth: with trustEnv, a redirect is sent with the netrc
 * credentials of its new host, when the netrc file has some (the
 * Authorization of another origin was already dropped by nextHop).
 */
async function withNetrcAuth(spec: RequestSpec, hop: Hop): Promise<Hop> {
  if (spec.netrcEnvironment === null) return hop;
  // netrc.ts on first use: a pool child that follows no redirect with trustEnv never loads it.
  const { netrcAuth } = await import('./netrc.js');
  const credentials = netrcAuth(hop.url, spec.netrcEnvironment);
  if (credentials === null) return hop;
  hop.headers.set('Authorization', basicAuthHeader(...credentials));
  return hop;
}

/**
 * 'download' reads or saves the final body; 'probe' (kept-target.ts) reads only
 * a 206's few bytes and drops any other body unread (a 200 would be the whole file).
 */
type BodyMode = 'download' | 'probe';
const PROBE_MAX_BYTES = 64 * 1024;

/** What one follow() keeps across its hops. */
class HopChain {
  readonly history: Response[] = [];
  readonly setCookies: SetCookieRecord[] = [];
  redirects = 0;
  digestAnswered = false;
  constructor(readonly jar: RequestCookies) {}
}

/** A request without a timeout (most): one timeouts object for all, so got-instance.ts finds its instance by identity. */
const NO_TIMEOUTS: GotTimeouts = Object.freeze({});

/**
 * The request's hops from `start`: redirects followed, a Digest challenge answered, the final
 * body read or saved. The loop holds what a plain request runs; what only some requests need
 * (another hop, saveTo, stream, a checksum) is in functions of its own, compiled only once used.
 */
export async function follow(spec: RequestSpec, start: Hop, run: RequestRun, partial: PartialDownload | null, mode: BodyMode = 'download'): Promise<Response> {
  const { pool, abort, progress } = run;
  let hop = start;
  const timeout = spec.timeout === null || spec.timeout === undefined ? NO_TIMEOUTS : toGotTimeouts(spec.timeout);
  const { verify } = spec;
  const chain = new HopChain(new RequestCookies(spec.cookieJar));

  for (;;) {
    throwIfTaskAborted(abort);
    if (run.digest && !chain.digestAnswered) hop = run.digest.withRememberedDigest(spec.auth as DigestAuthSpec, hop);
    const cookieHeader = chain.jar.headerFor(hop.url);
    const jarCookies = typeof cookieHeader === 'string' ? cookieHeader : await cookieHeader;
    const proxy = selectProxy(hop.url, resolveProxies(hop.url, spec.proxies, spec.environmentProxies));
    const agents = pool.agentsFor(poolForHop(spec, hop.url), verify, proxy, spec.cert);
    const http2 = spec.http2 && !proxy ? await pool.http2For(verify, spec.cert) : undefined;
    const answer = await sendHop(hop, { agents, timeout, verify, proxy, jarCookies, abort, ...(http2 ? { http2 } : {}) });
    const accepted = answer.setCookieHeaders.length === 0 ? NONE_ACCEPTED : await chain.jar.store(hop.url, answer.setCookieHeaders);
    if (accepted !== NONE_ACCEPTED) chain.setCookies.push(...setCookieRecords(hop.url, accepted));
    const location = answer.headers.get('location');
    const redirect = isRedirect(answer.statusCode, location);
    if (run.digest || (redirect && spec.allowRedirects)) {
      const next = await hopAfter(spec, hop, answer, accepted, redirect ? location : undefined, run, chain, mode);
      if (next !== null) {
        hop = next;
        continue;
      }
    }

    const response = toResponse(hop, answer, undefined, accepted);
    response.history = chain.history;
    if (redirect && !spec.allowRedirects) response.next = requestAfter(hop, answer.statusCode, location!);
    response.setCookies = chain.setCookies;
    const bodyProgress = progress ? withTotal(progress, identityLength(response)) : undefined;
    if (mode === 'probe') response.content = await readProbeBody(response, answer);
    else if (hop.method !== 'HEAD' && (run.saveBody !== undefined || spec.stream || spec.expectedSha256)) await keepBody(spec, start, hop, run, response, answer, partial, bodyProgress);
    // HEAD's empty body is read to its end too, so the socket goes back to the pool.
    else response.content = await readBody(answer.body, { maxBytes: spec.maxResponseBytes, request: { method: hop.method, url: hop.url }, progress: bodyProgress, budget: run.budget });
    return response;
  }
}

/**
 * The hop that follows `answer`: the same request answering its Digest challenge, or the
 * redirect's target; null when `answer` is the final response. `redirectTo`: the Location of
 * an answer that is a redirect (follow judged it), undefined for any other answer.
 */
async function hopAfter(spec: RequestSpec, hop: Hop, answer: HopResponse, accepted: AcceptedCookies, redirectTo: string | undefined, run: RequestRun, chain: HopChain, mode: BodyMode): Promise<Hop | null> {
  const { progress, budget } = run;
  const request = { method: hop.method, url: hop.url };
  const answered = run.digest && !chain.digestAnswered ? run.digest.digestRetry(spec.auth as DigestAuthSpec, hop, answer) : null;
  if (answered) {
    // The 401 is read to its end (its socket goes back to the pool) and kept in history, as requests keeps it.
    const content = await readBody(answer.body, { maxBytes: spec.maxResponseBytes, request, progress });
    chain.history.push(toResponse(hop, answer, content, accepted));
    chain.digestAnswered = true;
    return answered;
  }
  if (!spec.allowRedirects || redirectTo === undefined) return null;
  const content = await readBody(answer.body, { maxBytes: spec.maxResponseBytes, request, progress, budget });
  const response = toResponse(hop, answer, content, accepted);
  // requests hooks every response it receives, the one past the limit included; a probe's are not the caller's.
  const hooked = mode === 'download' && run.onRedirect ? await run.onRedirect(response) : response;
  // requests: the (N+1)th redirect response of a limit of N raises.
  if (chain.redirects >= spec.maxRedirects) {
    response.history = [...chain.history];
    throw new TooManyRedirects(`Exceeded ${spec.maxRedirects} redirects.`, { request, response });
  }
  chain.history.push(hooked as Response);
  chain.redirects += 1;
  chain.digestAnswered = false;
  return withNetrcAuth(spec, nextHop(hop, answer.statusCode, redirectTo));
}

/**
 * A final body that is not simply read: saved (saveTo, a 2xx only: that is the resource),
 * left to the caller (stream), or read and checked against expectedSha256.
 */
async function keepBody(spec: RequestSpec, start: Hop, hop: Hop, run: RequestRun, response: Response, answer: HopResponse, partial: PartialDownload | null, progress: ((bytes: number) => void) | undefined): Promise<void> {
  const request = { method: hop.method, url: hop.url };
  if (run.saveBody && isSuccess(response.statusCode)) {
    await run.saveBody(response, answer, partial, start.headers.has('range') && partial === null, progress);
  } else if (spec.stream) {
    // requests' stream=True: the caller reads the body (streamed-body.ts), after the future resolved.
    // Under maxBytesPerSecond the body pays the task's budget as it is read (body-throttle.ts, loaded then).
    attachBody(response, run.budget ? (await import('./body-throttle.js')).throttledStream(answer.body, run.budget) : answer.body, { request, maxBytes: spec.maxResponseBytes });
  } else {
    response.content = await readBody(answer.body, { maxBytes: spec.maxResponseBytes, request, progress, budget: run.budget });
    // Only a body saveTo would have saved is the resource whose digest was given (a 404 page is not).
    if (spec.expectedSha256 && response.ok) {
      const { checkDigest } = await import('./save-to.js');
      checkDigest(createHash('sha256').update(response.content).digest('hex'), spec.expectedSha256, 'the body', request);
    }
  }
}

/** requests' `next`: the request following this redirect would send; null when its Location cannot be followed. */
function requestAfter(hop: Hop, statusCode: number, location: string): ResponseRequest | null {
  try {
    const next = nextHop(hop, statusCode, location);
    return { method: next.method, url: next.url, headers: next.headers };
  } catch {
    return null;
  }
}

/**
 * A probe's 206 carries one byte; anything else is not read (a 200 would be
 * the whole file), and a 206 far longer than asked is dropped: an empty body
 * is no confirmation (keptTarget wants exactly the one byte).
 */
async function readProbeBody(response: Response, answer: HopResponse): Promise<Uint8Array> {
  if (response.statusCode === 206) {
    try {
      return await readBody(answer.body, { maxBytes: PROBE_MAX_BYTES, request: { method: response.request.method, url: response.url } });
    } catch (error) {
      if (!(error instanceof ContentTooLarge)) throw error;
    }
  }
  answer.body.destroy();
  return new Uint8Array(0);
}

const isSuccess = (statusCode: number) => statusCode >= 200 && statusCode < 300;

/** Progress told the body's declared size too, so that a display can show a share and an ETA per download. */
function withTotal(progress: RequestRun['progress'], total: number | undefined): ((bytes: number) => void) | undefined {
  return progress && total !== undefined ? (bytes) => progress(bytes, total) : progress;
}
