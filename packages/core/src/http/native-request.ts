/**
 * got's `request` option for HTTP/1.1 hops: http.request or https.request, as
 * got would call them, handed only the options node:http reads.
 *
 * got hands node:http about 35 options per request, most of them undefined,
 * with the URL. ClientRequest copies them onto the URL's own options
 * (urlToHttpOptions: nine fields, four of which nothing reads: href,
 * pathname, search, hash) with Object.assign, which turns that object into a
 * dictionary (V8 keeps an object's fast shape for a dozen or so properties
 * added that way), then copies it into a null-prototype object twice more,
 * in ClientRequest and in the agent, each time in the runtime's slow path for
 * dictionaries. That was about 11 % of a warm pool child's CPU on small GETs
 * (perf: Runtime_CopyDataProperties under ClientRequest and Agent.addRequest);
 * those copies cost by the key, so only the keys that say something are passed.
 *
 * Leaving out an undefined option changes nothing node:http, net or tls do:
 * they read each one as `options.x`, where a missing key and an undefined one
 * are alike, and tls.connect spreads them over its defaults, where a missing
 * key keeps the default that an undefined one would have replaced with
 * undefined, which createSecureContext then replaces with that same default.
 */
import { request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { urlToHttpOptions } from 'node:url';

/** The options that have a value, copied onto `into` (a new object unless given; `options` is left as it was). */
export function definedOptions<T extends object>(options: T, into: Partial<T> = {}): Partial<T> {
  for (const key in options) {
    const value = options[key];
    if (value !== undefined) into[key] = value;
  }
  return into;
}

/** What node:http reads of a URL (urlToHttpOptions's fields, less those it never reads). */
function target(url: URL): RequestOptions {
  const { protocol, hostname, port, path, auth } = urlToHttpOptions(url);
  const options: RequestOptions = { protocol, hostname, path };
  if (port !== undefined) options.port = port;
  if (auth !== undefined) options.auth = auth;
  return options;
}

export function requestWithDefinedOptions(url: URL, options: RequestOptions, callback?: (response: IncomingMessage) => void): ClientRequest {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  // As ClientRequest merges them: got's options over the URL's.
  return request(definedOptions(options, target(url)), callback);
}
