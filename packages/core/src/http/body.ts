/**
 * The request body from `data`, `json` and `files`, as requests'
 * prepare_body builds it: form data urlencoded, JSON only when there is no
 * data, multipart when there are files (with the data fields as extra parts).
 */
import { basename } from 'node:path';
import { BodySource, bodySourceOf, isFileBody, type OpenUpload } from './body-source.js';
import { multipartBody, type MultipartPart } from './multipart.js';
import { InvalidJSONError } from './errors.js';
import { urlencode, formPairs, type FormFields } from './form-encoding.js';
import type { FilePart, FilesOption, RequestSpec } from './request-spec.js';

/** A BodySource is opened when the request is sent (body-source.ts). */
export type BodyPayload = string | Uint8Array | BodySource;

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

/** requests' `(filename, content, content_type, headers)`; a null filename makes a plain field. */
function fromTuple(name: string, tuple: unknown[], openUpload: OpenUpload | undefined): MultipartPart {
  const [filename, content, contentType, headers] = tuple;
  if (tuple.length < 2 || tuple.length > 4) throw new TypeError(`files.${name} as a tuple must be [filename, content, contentType?, headers?], got ${tuple.length} items`);
  if (filename !== null && typeof filename !== 'string') throw new TypeError(`files.${name}[0] (filename) must be a string or null, got ${describeType(filename)}`);
  if (contentType !== undefined && contentType !== null && typeof contentType !== 'string') throw new TypeError(`files.${name}[2] (contentType) must be a string, got ${describeType(contentType)}`);
  return {
    name,
    filename,
    content: partContent(content, `files.${name}[1] (content)`, openUpload),
    contentType: typeof contentType === 'string' ? contentType : undefined,
    headers: partHeaders(headers, `files.${name}[3] (headers)`),
  };
}

function partHeaders(headers: unknown, where: string): Record<string, string> | undefined {
  if (headers === undefined || headers === null) return undefined;
  if (!isPlainObject(headers)) throw new TypeError(`${where} must be an object of header name → value, got ${describeType(headers)}`);
  for (const [key, value] of Object.entries(headers)) {
    if (typeof value !== 'string') throw new TypeError(`${where}.${key} must be a string, got ${describeType(value)}`);
  }
  return headers as Record<string, string>;
}

/** A part's content: text or bytes as they are, anything streamed (a file by path, a Readable, an async iterable, a Blob, an opened file) as a BodySource. */
function partContent(content: unknown, where: string, openUpload: OpenUpload | undefined): MultipartPart['content'] {
  if (typeof content === 'string' || content instanceof Uint8Array) return content;
  const source = bodySourceOf(content, openUpload);
  if (source === undefined) {
    throw new TypeError(`${where} must be a string, a Uint8Array, { path }, a Readable, an async iterable, a Blob or an opened file, got ${describeType(content)}`);
  }
  return source;
}

/** requests' guess_filename for a bare file value: the file's base name; otherwise the field's name. */
function bareFilename(name: string, value: unknown): string {
  return isFileBody(value) ? basename(value.path) : name;
}

function toPart(name: string, value: FilesOption[string], openUpload: OpenUpload | undefined): MultipartPart {
  if (Array.isArray(value)) return fromTuple(name, value, openUpload);
  if (isPlainObject(value) && 'content' in value) {
    const part = value as FilePart;
    if (part.filename !== undefined && typeof part.filename !== 'string') throw new TypeError(`files.${name}.filename must be a string, got ${describeType(part.filename)}`);
    if (part.contentType !== undefined && typeof part.contentType !== 'string') throw new TypeError(`files.${name}.contentType must be a string, got ${describeType(part.contentType)}`);
    return {
      name,
      filename: part.filename ?? name,
      content: partContent(part.content, `files.${name}.content`, openUpload),
      contentType: part.contentType,
      headers: partHeaders(part.headers, `files.${name}.headers`),
    };
  }
  try {
    return { name, filename: bareFilename(name, value), content: partContent(value, `files.${name}`, openUpload) };
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    throw new TypeError(`files.${name} must be a string, a Uint8Array, a file or stream, [filename, content, contentType?, headers?] or { filename?, content, contentType?, headers? }, got ${describeType(value)}`);
  }
}

function multipart(data: RequestSpec['data'], files: FilesOption, openUpload: OpenUpload | undefined): PreparedBody {
  if (typeof data === 'string' || data instanceof Uint8Array) {
    throw new TypeError(`data must be an object when files are sent (multipart), got ${describeType(data)}`);
  }
  const parts: MultipartPart[] = [];
  if (data !== undefined && data !== null) {
    if (!isPlainObject(data) && !isPairList(data)) {
      throw new TypeError(`data must be an object or a list of pairs, got ${describeType(data)}`);
    }
    for (const [key, value] of formPairs(data as FormFields)) parts.push({ name: key, filename: null, content: value });
  }
  for (const [name, value] of Object.entries(files)) {
    // requests skips a file whose value is None (its _encode_files: `elif fp is None: continue`).
    if (value === null || value === undefined) continue;
    parts.push(toPart(name, value, openUpload));
  }
  const { source, contentType } = multipartBody(parts);
  return { payload: source, contentType };
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

/** The body to send, or undefined for none; multipart goes as a BodySource (multipart.ts). Throws TypeError naming the option for a value it cannot send. */
export function prepareBody(spec: Pick<RequestSpec, 'data' | 'json' | 'files'>, openUpload?: OpenUpload): PreparedBody | undefined {
  const { data, json, files } = spec;
  // Most requests send no body: none of the checks below runs for them.
  if ((data === null || data === undefined) && (json === null || json === undefined) && (files === null || files === undefined)) return undefined;
  const source = bodySourceOf(data, openUpload);
  if (files !== undefined && files !== null) {
    if (!isPlainObject(files)) throw new TypeError(`files must be an object of name → file, got ${describeType(files)}`);
    // requests: "Streamed bodies and files are mutually exclusive."
    if (source !== undefined && Object.keys(files).length > 0) throw new TypeError('data as a file or a stream cannot be sent with files: streamed bodies and files are mutually exclusive');
    if (Object.keys(files).length > 0) return multipart(data, files as FilesOption, openUpload);
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
