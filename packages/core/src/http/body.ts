/**
 * The request body from `data`, `json` and `files`, as requests'
 * prepare_body builds it: form data urlencoded, JSON only when there is no
 * data, multipart when there are files (with the data fields as extra parts).
 */
import { BodySource, bodySourceOf, type OpenUpload } from './body-source.js';
import { InvalidJSONError } from './errors.js';
import { urlencode, formPairs, type FormFields } from './form-encoding.js';
import type { FilePart, FilesOption, RequestSpec } from './request-spec.js';

/** A BodySource is opened when the request is sent (body-source.ts). */
export type BodyPayload = string | Uint8Array | FormData | BodySource;

export interface PreparedBody {
  payload: BodyPayload;
  /** Sent only when the caller set no Content-Type (requests does the same). Multipart's comes from got with the boundary. */
  contentType?: string;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function isPairList(value: unknown): value is Array<[string, unknown]> {
  return Array.isArray(value) && value.every((item) => Array.isArray(item) && item.length === 2);
}

/** requests tests `if not data`: an empty mapping or string counts as no data. */
function isEmptyData(data: RequestSpec['data']): boolean {
  if (data === undefined || data === null) return true;
  if (typeof data === 'string' || data instanceof Uint8Array) return data.length === 0;
  if (Array.isArray(data)) return data.length === 0;
  return isPlainObject(data) && Object.keys(data).length === 0;
}

type PreparedPart = Omit<FilePart, 'filename'> & { filename: string | null };

/** requests' `(filename, content, content_type, headers)`; a null filename makes a plain field. */
function fromTuple(name: string, tuple: unknown[]): PreparedPart {
  const [filename, content, contentType, headers] = tuple;
  if (tuple.length < 2 || tuple.length > 4) throw new TypeError(`files.${name} as a tuple must be [filename, content, contentType?, headers?], got ${tuple.length} items`);
  if (filename !== null && typeof filename !== 'string') throw new TypeError(`files.${name}[0] (filename) must be a string or null, got ${describeType(filename)}`);
  if (typeof content !== 'string' && !(content instanceof Uint8Array)) throw new TypeError(`files.${name}[1] (content) must be a string or a Uint8Array, got ${describeType(content)}`);
  if (contentType !== undefined && contentType !== null && typeof contentType !== 'string') throw new TypeError(`files.${name}[2] (contentType) must be a string, got ${describeType(contentType)}`);
  if (headers !== undefined && headers !== null && (!isPlainObject(headers) || Object.keys(headers).length > 0)) {
    throw new TypeError(`files.${name}[3]: per-part headers are not supported (only the part's contentType is sent)`);
  }
  return { filename, content, ...(typeof contentType === 'string' ? { contentType } : {}) };
}

function toFilePart(name: string, value: FilesOption[string]): PreparedPart {
  if (typeof value === 'string' || value instanceof Uint8Array) return { filename: name, content: value };
  if (Array.isArray(value)) return fromTuple(name, value);
  if (isPlainObject(value) && ('content' in value)) {
    const content = value.content;
    if (typeof content !== 'string' && !(content instanceof Uint8Array)) {
      throw new TypeError(`files.${name}.content must be a string or a Uint8Array, got ${describeType(content)}`);
    }
    return { ...value, filename: value.filename ?? name };
  }
  throw new TypeError(`files.${name} must be a string, a Uint8Array or { filename?, content, contentType? }, got ${describeType(value)}`);
}

/**
 * A bytes field of a multipart body. FormData sends a string field as UTF-8
 * and would turn a Blob into a file part (filename "blob"), so bytes that are
 * UTF-8 go as the string they spell (the same bytes on the wire); others are
 * refused rather than altered (requests would send them raw).
 */
function utf8Field(key: string, bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (error) {
    throw new TypeError(`data.${key} holds bytes that are not UTF-8, which a multipart field cannot carry here; send them as a file (files.${key})`, { cause: error });
  }
}

function multipart(data: RequestSpec['data'], files: FilesOption): FormData {
  if (typeof data === 'string' || data instanceof Uint8Array) {
    throw new TypeError(`data must be an object when files are sent (multipart), got ${describeType(data)}`);
  }
  const form = new FormData();
  if (data !== undefined && data !== null) {
    if (!isPlainObject(data) && !isPairList(data)) {
      throw new TypeError(`data must be an object or a list of pairs, got ${describeType(data)}`);
    }
    for (const [key, value] of formPairs(data as FormFields)) form.append(key, typeof value === 'string' ? value : utf8Field(key, value));
  }
  for (const [name, value] of Object.entries(files)) {
    // requests skips a file whose value is None (its _encode_files: `elif fp is None: continue`).
    if (value === null || value === undefined) continue;
    const part = toFilePart(name, value);
    if (part.filename === null) {
      // requests' (None, value): a form field, not a file.
      if (part.contentType !== undefined) throw new TypeError(`files.${name}: a part without a filename cannot carry a contentType here`);
      form.append(name, typeof part.content === 'string' ? part.content : utf8Field(name, part.content));
      continue;
    }
    const blob = new Blob([part.content], part.contentType ? { type: part.contentType } : {});
    form.append(name, blob, part.filename);
  }
  return form;
}

/**
 * JSON.stringify writes NaN and ±Infinity as null without a word; requests
 * (json.dumps with allow_nan=False) refuses them with InvalidJSONError.
 */
function refuseNonFinite(key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    const where = key === '' ? 'json' : `json[${JSON.stringify(key)}]`;
    throw new InvalidJSONError(`Out of range float values are not JSON compliant: ${String(value)} at ${where}`);
  }
  return value;
}

function serializeJson(json: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(json, refuseNonFinite);
  } catch (error) {
    if (error instanceof InvalidJSONError) throw error;
    throw new TypeError(`json is not JSON serializable: ${(error as Error).message}`, { cause: error });
  }
  if (text === undefined) throw new TypeError(`json is not JSON serializable: got ${describeType(json)}`);
  return text;
}

/** The body to send, or undefined for none. Throws TypeError naming the option for a value it cannot send. */
export function prepareBody(spec: Pick<RequestSpec, 'data' | 'json' | 'files'>, openUpload?: OpenUpload): PreparedBody | undefined {
  const { data, json, files } = spec;
  const source = bodySourceOf(data, openUpload);
  if (files !== undefined && files !== null) {
    if (!isPlainObject(files)) throw new TypeError(`files must be an object of name → file, got ${describeType(files)}`);
    // requests: "Streamed bodies and files are mutually exclusive."
    if (source !== undefined && Object.keys(files).length > 0) throw new TypeError('data as a file or a stream cannot be sent with files: streamed bodies and files are mutually exclusive');
    if (Object.keys(files).length > 0) return { payload: multipart(data, files as FilesOption) };
  }
  // requests sends a file or an iterator as it is, with no Content-Type of its own.
  if (source !== undefined) return { payload: source };
  if (!isEmptyData(data)) {
    if (typeof data === 'string' || data instanceof Uint8Array) return { payload: data };
    if (isPlainObject(data) || isPairList(data)) {
      return { payload: urlencode(data as FormFields), contentType: 'application/x-www-form-urlencoded' };
    }
    throw new TypeError(`data must be an object, a list of pairs, a string or a Uint8Array, got ${describeType(data)}`);
  }
  if (json !== undefined && json !== null) {
    return { payload: serializeJson(json), contentType: 'application/json' };
  }
  if (data !== undefined && data !== null && typeof data !== 'string' && !(data instanceof Uint8Array) && !isPlainObject(data) && !Array.isArray(data)) {
    throw new TypeError(`data must be an object, a list of pairs, a string or a Uint8Array, got ${describeType(data)}`);
  }
  return undefined;
}
