/**
 * got's `request` option for HTTP/1.1 hops: http.request or https.request, as
 * got would call them, handed only the options got gave a value.
 *
 * got hands node:http about 35 options per request, most of them undefined.
 * ClientRequest copies them onto the URL's own options with Object.assign,
 * which turns that object into a dictionary (V8 keeps an object's fast shape
 * for a dozen or so properties added that way), and the agent spreads it into
 * a new object once or twice more, each time in the runtime's slow path for
 * dictionaries. That was about 11 % of a warm pool child's CPU on small GETs
 * (perf: Runtime_CopyDataProperties under ClientRequest and Agent.addRequest).
 * With only the defined ones, the options stay a fast object.
 *
 * Leaving out an undefined option changes nothing node:http, net or tls do:
 * they read each one as `options.x`, where a missing key and an undefined one
 * are alike, and tls.connect spreads them over its defaults, where a missing
 * key keeps the default that an undefined one would have replaced with
 * undefined, which createSecureContext then replaces with that same default.
 */
import { request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** The options that have a value, in a new object (the caller's is left as it was). */
export function definedOptions<T extends object>(options: T): Partial<T> {
  const defined: Partial<T> = {};
  for (const key in options) {
    const value = options[key];
    if (value !== undefined) defined[key] = value;
  }
  return defined;
}

export function requestWithDefinedOptions(url: URL, options: RequestOptions, callback?: (response: IncomingMessage) => void): ClientRequest {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return request(url, definedOptions(options), callback);
}
