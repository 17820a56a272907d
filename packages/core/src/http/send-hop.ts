/**
 * One HTTP exchange on got, configured for requests' semantics: no retries,
 * no redirects (the caller follows them to build `history`), no exception for
 * 4xx/5xx, decompression on. Resolves when the response headers arrive; the
 * body is left in the returned stream for the caller to read or save.
 */
import type { Readable } from 'node:stream';
import type { Got, OptionsInit } from 'got';
import type { Agent as Http2Agent } from 'http2-wrapper';
import type { BodyPayload } from './body.js';
import { BodySource } from './body-source.js';
import { decodedBody } from './content-coding.js';
import { abortError, type AbortWatch } from './abort.js';
import type { Agents } from './agents.js';
import type { BodyStream } from './body-limit.js';
import { mapRequestError } from './error-mapping.js';
import { ConnectionError, ProxyError, SSLError, Timeout } from './errors.js';
import { gotFor } from './got-instance.js';
import { loadGot, loadedGot } from './got-loader.js';
import { CaseInsensitiveHeaders } from './headers.js';
import type { Http2RequestFunction, Http2Route } from './http2-agents.js';
import { keepProtoHeader } from './proto-header.js';
import type { Hop } from './redirects.js';
import { viaHttpProxy } from './proxy.js';
import type { GotTimeouts } from './timeouts.js';

export interface HopResponse {
  statusCode: number;
  reason: string;
  url: string;
  /** As the server sent them, Content-Encoding included; repeated headers joined with ', ' as requests does. */
  headers: CaseInsensitiveHeaders;
  setCookieHeaders: string[];
  /** Milliseconds from sending to the response headers. */
  elapsed: number;
  body: BodyStream;
  /** The headers this exchange sent (the caller's, plus Cookie and Content-Type added here). */
  sentHeaders: CaseInsensitiveHeaders;
}

export interface HopOptions {
  agents: Agents;
  timeout: GotTimeouts;
  verify: boolean | string;
  /** The task's abort (abort.ts): the exchange is destroyed when it fires. */
  abort?: AbortWatch;
  /** The proxy chosen for this URL (its agents are already in `agents`). */
  proxy?: URL | null;
  /** Cookie header from the jar, used unless the caller set one explicitly (requests lets an explicit header win). */
  jarCookies?: string;
  /** `http2: true` (not through a proxy): HTTP/2 where the server's ALPN offers it, on this agent. */
  http2?: Http2Route;
}

/** requests sends Content-Length: 0 for a body-less request other than GET and HEAD. */
const NO_LENGTH_METHODS = new Set(['GET', 'HEAD']);

/**
 * The hop's headers and what this exchange adds, in a copy of their own: the copy is what the
 * response says was sent, and a hook may change it without touching the hops that follow.
 */
function headersToSend(hop: Hop, jarCookies: string | undefined): CaseInsensitiveHeaders {
  const sent = hop.headers.copy();
  if (jarCookies && !sent.has('cookie')) sent.set('Cookie', jarCookies);
  if (hop.body?.contentType && !sent.has('content-type')) sent.set('Content-Type', hop.body.contentType);
  const length = hop.body?.payload instanceof BodySource ? hop.body.payload.length : undefined;
  if (length !== undefined && !sent.has('content-length')) sent.set('Content-Length', String(length));
  if (hop.body === undefined && !NO_LENGTH_METHODS.has(hop.method) && !sent.has('content-length')) sent.set('Content-Length', '0');
  return sent;
}

function responseHeaders(rawHeaders: readonly string[]): CaseInsensitiveHeaders {
  const headers = new CaseInsensitiveHeaders();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    // HTTP/2 pseudo-headers (:status) are not headers.
    if (name.startsWith(':')) continue;
    const key = name.toLowerCase();
    const previous = headers.store.get(key);
    headers.store.set(key, [name, previous === undefined ? rawHeaders[i + 1]! : `${previous[1]}, ${rawHeaders[i + 1]!}`]);
  }
  return headers;
}

/** requests' ProxyError: through a proxy, failing to connect means failing to reach (or tunnel through) the proxy. */
function blameProxy(error: Error, proxy: URL | null | undefined): Error {
  if (!proxy || !(error instanceof ConnectionError) || error instanceof ProxyError || error instanceof SSLError || error instanceof Timeout) {
    return error;
  }
  return new ProxyError(`${error.message} (through proxy ${proxy.host})`, {
    cause: error.cause,
    ...(error.request ? { request: error.request } : {}),
  });
}

/** A streamed body is opened now, once per exchange (a redirect or retry opens it again, if it can). */
function payloadToSend(payload: BodyPayload, request: { method: string; url: string }): Exclude<BodyPayload, BodySource> | Readable {
  return payload instanceof BodySource ? payload.stream(request) : payload;
}

/** got's options for an HTTP/2 hop, on top of the instance's (its agent joins the http and https ones; with a CA bundle or a client certificate, `request` hands its connections the pool's context). */
function http2Options(http2: Http2Route): { http2: true; agent: { http2: Http2Agent }; request?: Http2RequestFunction } {
  return { http2: true, agent: { http2: http2.agent }, ...(http2.request ? { request: http2.request } : {}) };
}

/**
 * What got is handed for this exchange besides the instance's defaults, in one
 * object: got copies and checks every key it is given, per request, so only
 * keys that say something are set (GET is got's default method).
 */
function gotOptionsFor(hop: Hop, headers: Record<string, string | undefined>, options: HopOptions, request: { method: string; url: string }): Record<string, unknown> {
  const gotOptions: Record<string, unknown> = { headers };
  if (hop.method !== 'GET') gotOptions.method = hop.method;
  if (hop.body !== undefined) gotOptions.body = payloadToSend(hop.body.payload, request);
  const protoHook = keepProtoHeader(headers);
  if (protoHook !== undefined) gotOptions.hooks = protoHook;
  if (options.http2) Object.assign(gotOptions, http2Options(options.http2));
  if (options.proxy && hop.url.startsWith('http:')) gotOptions.request = viaHttpProxy(options.proxy);
  return gotOptions;
}

export function sendHop(hop: Hop, options: HopOptions): Promise<HopResponse> {
  // got is loaded with the first request, not with the package (got-loader.ts); once it is,
  // no async frame of our own between the caller and got's (a fresh child runs each cold).
  const got = loadedGot();
  return got !== undefined ? sendWith(got, hop, options) : loadGot().then((loaded) => sendWith(loaded, hop, options));
}

/**
 * Makes the exchange's stream and hands it to exchange(). Nothing here is a closure: the stream
 * outlives the exchange (a stream: true body, held until read or collected), and a closure made
 * here would keep `options` alive with it, and through `options.abort` the task context, which
 * on the thread pool reaches the future and so the very response whose collection frees the stream.
 */
function sendWith(got: Got, hop: Hop, options: HopOptions): Promise<HopResponse> {
  const request = { method: hop.method, url: hop.url };
  const sentHeaders = headersToSend(hop, options.jarCookies);
  const gotHeaders: Record<string, string | undefined> = sentHeaders.toLowerCaseObject();
  // Without a User-Agent the caller removed it on purpose: stop got adding its own.
  if (!('user-agent' in gotHeaders)) gotHeaders['user-agent'] = undefined;
  // Removed by the caller: got would add its own `gzip, deflate, br`. requests sends what Python's
  // http.client puts in its place, `identity` (decompression stays on for a server that compresses anyway).
  if (!('accept-encoding' in gotHeaders)) gotHeaders['accept-encoding'] = 'identity';

  const started = performance.now();
  let stream: GotStream;
  try {
    // No retries, no redirects, no 4xx/5xx exceptions, and this configuration's agents,
    // timeouts and verify: the instance's defaults (got-instance.ts).
    stream = gotFor(got, options).stream(hop.url, gotOptionsFor(hop, gotHeaders, options, request) as OptionsInit & { isStream?: true });
  } catch (error) {
    return Promise.reject(mapRequestError(error, request));
  }
  const detach = options.abort === undefined ? undefined : destroyOnAbort(stream, options.abort);
  return exchange(stream, { hop, request, sentHeaders, started, proxy: options.proxy, detach });
}

type GotStream = ReturnType<Got['stream']>;

/**
 * Destroys the stream when the task is aborted (at once if it already is). The task may outlive
 * this exchange: listen only while the exchange runs, rather than hand got the signal, which would
 * keep one listener per request. Returns what stops listening.
 */
function destroyOnAbort(stream: GotStream, abort: AbortWatch): () => void {
  const detach = abort.onAbort((reason) => stream.destroy(abortError(reason)));
  // got's stream ends without 'close' (autoDestroy is off): 'end', an error, or a destroy.
  stream.once('end', detach);
  stream.once('close', detach);
  return detach;
}

interface Exchange {
  readonly hop: Hop;
  readonly request: { method: string; url: string };
  readonly sentHeaders: CaseInsensitiveHeaders;
  readonly started: number;
  readonly proxy: URL | null | undefined;
  readonly detach: (() => void) | undefined;
}

/** The response's headers, or the exchange's error mapped to requests' (errors.ts). */
function exchange(stream: GotStream, { hop, request, sentHeaders, started, proxy, detach }: Exchange): Promise<HopResponse> {
  return new Promise<HopResponse>((resolve, reject) => {
    let settled = false;
    // Stays attached for the life of the stream, so an error after the headers (read by
    // the caller through iteration) is never an unhandled 'error' event; it also lets go of the signal.
    stream.on('error', (error) => {
      detach?.();
      if (settled) return;
      settled = true;
      reject(blameProxy(mapRequestError(error, request), proxy));
    });
    stream.once('response', (response: { statusCode: number; statusMessage?: string; url: string; rawHeaders: string[]; headers: Record<string, string | string[] | undefined> }) => {
      if (settled) return;
      settled = true;
      const setCookie = response.headers['set-cookie'];
      resolve({
        statusCode: response.statusCode,
        reason: response.statusMessage ?? '',
        url: response.url ?? hop.url,
        headers: responseHeaders(response.rawHeaders),
        setCookieHeaders: setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie],
        elapsed: performance.now() - started,
        body: decodedBody(stream, response.headers['content-encoding'] as string | undefined),
        sentHeaders,
      });
    });
    // Without a body got waits for the caller to write one: there is none.
    if (hop.body === undefined) stream.end();
  });
}
