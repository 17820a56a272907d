/**
 * The shape a request's outcome takes between a child and the coordinator.
 * A response would echo the request's headers, which the coordinator already
 * has in its spec, and the outcome would carry the response's Set-Cookie
 * records twice (`outcome.setCookies` is `response.setCookies`; the encoder
 * does not deduplicate shared references). So the child sends, for each
 * response (the final one, then its history), only the headers it sent on top
 * of the spec's, the records once (a redirect's are its slice of the
 * chain's), and, when no redirect was followed, neither the final response's
 * URL nor its request's method and URL (the spec's); the coordinator rebuilds the views.
 *
 * Only what can be rebuilt exactly is left out: a response whose sent headers
 * do not start with the spec's (a redirect hop that dropped Authorization), or
 * a value a hook put in the response's place, travels whole.
 */
import { CaseInsensitiveHeaders } from './headers.js';
import type { RequestOutcome } from './request-task.js';
import type { RequestSpec } from './request-spec.js';
import { Response } from './response.js';

export interface PackedOutcome extends RequestOutcome {
  /**
   * Set when packed: per response (the value, then its history), the
   * [name, value, ...] headers sent after the spec's, whose own were left out;
   * null: sent whole.
   */
  sentAfterSpec?: Array<string[] | null>;
  /** The value's own `setCookies` were the outcome's, and were left out. */
  setCookiesOfValue?: true;
  /**
   * The value's `url` and its request's method and URL were the spec's (no
   * redirect), and were left out: the URL is most of a small reply's text after its headers.
   */
  urlOfSpec?: true;
  /**
   * Each history entry's `setCookies` were its slice of the outcome's (the
   * records of the chain, in order), and were left out: their lengths.
   */
  historyRecordCounts?: number[];
}

const NO_RECORDS: readonly never[] = Object.freeze([]);

/** In the child: the outcome without what the coordinator already knows. */
export function packOutcome(outcome: RequestOutcome, spec: RequestSpec): PackedOutcome {
  const { value, setCookies } = outcome;
  if (!(value instanceof Response)) return outcome;
  const packed: PackedOutcome = { value, setCookies };
  packed.sentAfterSpec = [value, ...value.history].map((response) => (response instanceof Response ? leaveOutSpecHeaders(response, spec.headers) : null));
  const counts = historySlicesOf(value.history, setCookies);
  if (counts !== undefined) {
    packed.historyRecordCounts = counts;
    for (const earlier of value.history as Response[]) if (earlier.setCookies.length > 0) earlier.setCookies = NO_RECORDS as never[];
  }
  if (packed.sentAfterSpec[0] !== null && echoesSpecUrl(value, spec)) {
    // Emptied rather than deleted, as below.
    value.url = '';
    value.request = null as never;
    packed.urlOfSpec = true;
  }
  if (value.setCookies === setCookies && setCookies.length > 0) {
    // Replaced rather than deleted: a deleted property would turn the response into a slow dictionary object.
    value.setCookies = NO_RECORDS as never[];
    packed.setCookiesOfValue = true;
  }
  return packed;
}

/** In the coordinator: the outcome as the engine returned it in the child. */
export function unpackOutcome(packed: PackedOutcome, spec: RequestSpec): RequestOutcome {
  const { value, setCookies, sentAfterSpec, historyRecordCounts } = packed;
  if (!(value instanceof Response) || sentAfterSpec === undefined) return packed;
  if (packed.urlOfSpec === true) {
    value.url = spec.url;
    value.request = { method: spec.method, url: spec.url } as Response['request'];
  }
  [value, ...value.history].forEach((response, index) => {
    const after = sentAfterSpec[index];
    if (after !== null && after !== undefined && response instanceof Response) response.request.headers = specHeadersThen(spec.headers, after);
  });
  if (historyRecordCounts !== undefined) {
    let offset = 0;
    value.history.forEach((earlier, index) => {
      const count = historyRecordCounts[index] ?? 0;
      earlier.setCookies = setCookies.slice(offset, offset + count);
      offset += count;
    });
  }
  if (packed.setCookiesOfValue === true) value.setCookies = setCookies;
  return { value, setCookies };
}

function echoesSpecUrl(value: Response, spec: RequestSpec): boolean {
  const { request } = value;
  return value.url === spec.url && request !== null && typeof request === 'object' && request.method === spec.method && request.url === spec.url;
}

/**
 * The lengths of the history's records when each entry's are, in order, its
 * slice of the chain's (as the engine builds them, unless a hook changed
 * them); undefined otherwise, or when there are none to leave out.
 */
function historySlicesOf(history: readonly unknown[], chain: RequestOutcome['setCookies']): number[] | undefined {
  let offset = 0;
  for (const earlier of history) {
    if (!(earlier instanceof Response) || !Array.isArray(earlier.setCookies)) return undefined;
    for (const record of earlier.setCookies) {
      const same = chain[offset++];
      if (same === undefined || record?.url !== same.url || record.header !== same.header || Object.keys(record).length !== 2) return undefined;
    }
  }
  return offset === 0 ? undefined : (history as Response[]).map((earlier) => earlier.setCookies.length);
}

/** The headers after the spec's, leaving the response without them; null (and the response untouched) when they do not start with the spec's. */
function leaveOutSpecHeaders(response: Response, specHeaders: RequestSpec['headers']): string[] | null {
  const sent = response.request?.headers;
  if (!(sent instanceof CaseInsensitiveHeaders)) return null;
  const entries = sent.store.values();
  for (const name of Object.keys(specHeaders)) {
    const value = specHeaders[name];
    // As the engine's first hop: a null value is not sent.
    if (value === null || value === undefined) continue;
    const next = entries.next();
    if (next.done === true || next.value[0] !== name || next.value[1] !== value) return null;
  }
  const after: string[] = [];
  for (const [name, value] of entries) after.push(name, value);
  response.request = { method: response.request.method, url: response.request.url } as Response['request'];
  return after;
}

function specHeadersThen(specHeaders: RequestSpec['headers'], after: readonly string[]): CaseInsensitiveHeaders {
  const headers = new CaseInsensitiveHeaders(specHeaders);
  for (let i = 0; i + 1 < after.length; i += 2) headers.set(after[i]!, after[i + 1]!);
  return headers;
}
