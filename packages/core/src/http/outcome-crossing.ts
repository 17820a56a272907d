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
import { InWireForm, WireFormatError, isJsonNumber, registerWireForm, type BinaryPartReader, type BinaryPartWriter } from '@requests-futures/serializer';
import { CaseInsensitiveHeaders, flatHeaderList, headersFromFlatList } from './headers.js';
import type { RequestOutcome } from './request-task.js';
import type { RequestSpec } from './request-spec.js';
import { Response, type SetCookieRecord } from './response.js';

/**
 * What the request task answers with: a plain response's outcome in its own
 * form (PlainOutcome, below), else the outcome without its echoes; in the
 * coordinator, the form as it was read (CrossedOutcome).
 */
export type PackedOutcome = OutcomeWithoutEchoes | PlainOutcome | CrossedOutcome;

export interface OutcomeWithoutEchoes extends RequestOutcome {
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
  return plainOutcomeForm(value, setCookies, spec) ?? packWithoutEchoes(value, setCookies, spec);
}

function packWithoutEchoes(value: Response, setCookies: SetCookieRecord[], spec: RequestSpec): OutcomeWithoutEchoes {
  const packed: OutcomeWithoutEchoes = { value, setCookies };
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
  if (packed instanceof CrossedOutcome) return outcomeOfForm(packed.form, spec);
  // Not crossed (no encode, no decode): still the outcome the engine returned.
  if (packed instanceof PlainOutcome) return { value: packed.value, setCookies: packed.setCookies };
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
  const after = headersAfterSpec(response.request?.headers, specHeaders);
  if (after !== null) response.request = { method: response.request.method, url: response.request.url } as Response['request'];
  return after;
}

/** The [name, value, ...] headers sent after the spec's; null when `sent` does not start with the spec's. */
function headersAfterSpec(sent: unknown, specHeaders: RequestSpec['headers']): string[] | null {
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
  return after;
}

function specHeadersThen(specHeaders: RequestSpec['headers'], after: readonly string[]): CaseInsensitiveHeaders {
  const headers = new CaseInsensitiveHeaders(specHeaders);
  for (let i = 0; i + 1 < after.length; i += 2) headers.set(after[i]!, after[i + 1]!);
  return headers;
}

/**
 * A plain response's outcome (no history, no `next`, nothing a hook added,
 * the records the outcome's own, the request's headers the spec's and then
 * some) in a form of its own: its fields in this order, headers and cookies
 * as flat [name, value, ...] lists, the body as the wire's one binary part.
 * Written and read in one pass each (#14 item 2): a fresh process no longer
 * warms the serializer's generic walk for every reply. What it cannot say goes
 * the general way (packWithoutEchoes), so no field is ever lost.
 */
const OUTCOME_FORM = 'rf.outcome';

const enum Field {
  StatusCode,
  Reason,
  /** The response's URL, its request's method and URL; all three null: the spec's. */
  Url,
  Method,
  RequestUrl,
  SentAfterSpec,
  Headers,
  Content,
  Encoding,
  Elapsed,
  Cookies,
  /** [url, header, ...]: the outcome's records, which are the response's. */
  SetCookies,
  Count,
}

/** The own enumerable properties a Response is made with (response.ts), in their order: any other set is not plain. */
const RESPONSE_KEYS = Object.keys(
  new Response({ statusCode: 200, url: '', headers: new CaseInsensitiveHeaders(), request: { method: 'GET', url: '', headers: new CaseInsensitiveHeaders() } }),
);

/** In the coordinator: the form as decode() read it, for unpackOutcome to finish with the spec. */
export class CrossedOutcome {
  constructor(readonly form: unknown[]) {}
}

registerWireForm(OUTCOME_FORM, (json: unknown, part: BinaryPartReader) => {
  if (!Array.isArray(json) || json.length !== Field.Count) throw new WireFormatError(`${OUTCOME_FORM}: expected a list of ${Field.Count} fields`);
  json[Field.Content] = part(json[Field.Content]);
  return new CrossedOutcome(json);
});

/** In the child: a plain response's outcome, which writes its form when encoded. */
export class PlainOutcome extends InWireForm implements RequestOutcome {
  /** The form, but for the body: bytes become a binary part only when written. */
  readonly #form: unknown[];

  constructor(
    readonly value: Response,
    readonly setCookies: SetCookieRecord[],
    form: unknown[],
  ) {
    super(OUTCOME_FORM);
    this.#form = form;
  }

  writeWire(part: BinaryPartWriter): unknown[] {
    const form = [...this.#form];
    form[Field.Content] = part(form[Field.Content] as Uint8Array);
    return form;
  }
}

function plainOutcomeForm(value: Response, setCookies: SetCookieRecord[], spec: RequestSpec): PlainOutcome | undefined {
  if (Object.getPrototypeOf(value) !== Response.prototype || !hasResponseKeys(value)) return undefined;
  const { statusCode, reason, url, content, encoding, history, elapsed, request } = value;
  if (value.setCookies !== setCookies || value.next !== null || !Array.isArray(history) || history.length !== 0) return undefined;
  if (!isJsonNumber(statusCode) || !isJsonNumber(elapsed) || typeof reason !== 'string' || typeof url !== 'string') return undefined;
  if ((encoding !== null && typeof encoding !== 'string') || !isPlainBytes(content)) return undefined;
  if (request === null || typeof request !== 'object' || typeof request.method !== 'string' || typeof request.url !== 'string') return undefined;
  const headers = flatHeaders(value.headers);
  const sentAfterSpec = headersAfterSpec(request.headers, spec.headers);
  const cookies = flatCookies(value.cookies);
  const records = flatRecords(setCookies);
  if (headers === undefined || sentAfterSpec === null || cookies === undefined || records === undefined) return undefined;
  const ofSpec = echoesSpecUrl(value, spec);
  const form = [
    statusCode,
    reason,
    ofSpec ? null : url,
    ofSpec ? null : request.method,
    ofSpec ? null : request.url,
    sentAfterSpec,
    headers,
    content,
    encoding,
    elapsed,
    cookies,
    records,
  ];
  return new PlainOutcome(value, setCookies, form);
}

function hasResponseKeys(value: Response): boolean {
  const keys = Object.keys(value);
  if (keys.length !== RESPONSE_KEYS.length) return false;
  for (let i = 0; i < keys.length; i++) if (keys[i] !== RESPONSE_KEYS[i]) return false;
  return true;
}


function isPlainBytes(value: unknown): value is Uint8Array {
  if (!(value instanceof Uint8Array)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Uint8Array.prototype || proto === Buffer.prototype;
}

function flatHeaders(headers: unknown): string[] | undefined {
  if (!(headers instanceof CaseInsensitiveHeaders) || Object.getPrototypeOf(headers) !== CaseInsensitiveHeaders.prototype || Object.keys(headers).length !== 1) return undefined;
  return flatHeaderList(headers);
}

function flatCookies(cookies: unknown): string[] | undefined {
  if (cookies === null || typeof cookies !== 'object' || Object.getPrototypeOf(cookies) !== Object.prototype) return undefined;
  const flat: string[] = [];
  for (const name of Object.keys(cookies)) {
    const value = (cookies as Record<string, unknown>)[name];
    // A "__proto__" cookie is assigned differently: the general path keeps it.
    if (name === '__proto__' || typeof value !== 'string') return undefined;
    flat.push(name, value);
  }
  return flat;
}

function flatRecords(records: readonly SetCookieRecord[]): string[] | undefined {
  const flat: string[] = [];
  for (const record of records as readonly unknown[]) {
    if (record === null || typeof record !== 'object' || Object.getPrototypeOf(record) !== Object.prototype || Object.keys(record).length !== 2) return undefined;
    const { url, header } = record as Partial<SetCookieRecord>;
    if (typeof url !== 'string' || typeof header !== 'string') return undefined;
    flat.push(url, header);
  }
  return flat;
}

/** The outcome a form says, its views as packWithoutEchoes's are rebuilt. */
function outcomeOfForm(form: unknown[], spec: RequestSpec): RequestOutcome {
  const ofSpec = form[Field.Url] === null;
  const url = ofSpec ? spec.url : text(form[Field.Url], 'url');
  const request = {
    method: ofSpec ? spec.method : text(form[Field.Method], 'method'),
    url: ofSpec ? spec.url : text(form[Field.RequestUrl], 'request url'),
    headers: specHeadersThen(spec.headers, list(form[Field.SentAfterSpec], 'sent headers')),
  };
  const setCookies: SetCookieRecord[] = [];
  const records = list(form[Field.SetCookies], 'setCookies');
  for (let i = 0; i < records.length; i += 2) setCookies.push({ url: records[i]!, header: records[i + 1]! });
  const cookies: Record<string, string> = {};
  const pairs = list(form[Field.Cookies], 'cookies');
  for (let i = 0; i < pairs.length; i += 2) cookies[pairs[i]!] = pairs[i + 1]!;
  const headers = headersFromFlatList(list(form[Field.Headers], 'headers'));
  // As the general decode: a Response's own properties on its prototype, without calling the constructor.
  const response = Object.create(Response.prototype) as Response;
  response.statusCode = numberIn(form[Field.StatusCode], 'statusCode');
  response.reason = text(form[Field.Reason], 'reason');
  response.url = url;
  response.headers = headers;
  response.content = form[Field.Content] as Uint8Array;
  response.encoding = form[Field.Encoding] === null ? null : text(form[Field.Encoding], 'encoding');
  response.history = [];
  response.elapsed = numberIn(form[Field.Elapsed], 'elapsed');
  response.request = request;
  response.cookies = cookies;
  response.setCookies = setCookies;
  response.next = null;
  return { value: response, setCookies };
}

function numberIn(value: unknown, field: string): number {
  if (typeof value !== 'number') throw new WireFormatError(`${OUTCOME_FORM}: ${field} is not a number`);
  return value;
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new WireFormatError(`${OUTCOME_FORM}: ${field} is not a string`);
  return value;
}

/** A flat [a, b, ...] list of strings, of even length. */
function list(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || value.length % 2 !== 0 || !value.every((item) => typeof item === 'string')) {
    throw new WireFormatError(`${OUTCOME_FORM}: ${field} is not a flat list of string pairs`);
  }
  return value as string[];
}
