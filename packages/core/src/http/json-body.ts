/**
 * Response.json() as requests does it: a body without a declared charset is
 * decoded in the UTF its first bytes show (utils.guess_json_utf: JSON starts
 * with two ASCII characters, so the nulls among the first four bytes give the
 * encoding away), and a body that is not JSON is a JSONDecodeError whose
 * message says where it broke but never quotes the body (the body is `doc`).
 */
import { JSONDecodeError, type RequestInfo } from './errors.js';

export type JsonUtf = 'utf-32' | 'utf-8-sig' | 'utf-16' | 'utf-8' | 'utf-16-be' | 'utf-16-le' | 'utf-32-be' | 'utf-32-le';

const startsWith = (data: Uint8Array, bytes: readonly number[]) => bytes.every((byte, index) => data[index] === byte);

/** requests.utils.guess_json_utf: the encoding of a JSON document from its first four bytes; null when they fit none. */
export function guessJsonUtf(data: Uint8Array): JsonUtf | null {
  const sample = data.subarray(0, 4);
  if (sample.length === 4 && (startsWith(sample, [0xff, 0xfe, 0, 0]) || startsWith(sample, [0, 0, 0xfe, 0xff]))) return 'utf-32';
  if (startsWith(sample, [0xef, 0xbb, 0xbf])) return 'utf-8-sig';
  if (sample.length >= 2 && (startsWith(sample, [0xff, 0xfe]) || startsWith(sample, [0xfe, 0xff]))) return 'utf-16';
  const nulls = [...sample].filter((byte) => byte === 0).length;
  if (nulls === 0) return 'utf-8';
  if (nulls === 2 && sample.length === 4) {
    if (sample[0] === 0 && sample[2] === 0) return 'utf-16-be';
    if (sample[1] === 0 && sample[3] === 0) return 'utf-16-le';
  }
  if (nulls === 3 && sample.length === 4) {
    if (startsWith(sample, [0, 0, 0])) return 'utf-32-be';
    if (startsWith(sample.subarray(1), [0, 0, 0])) return 'utf-32-le';
  }
  return null;
}

function utf16(data: Uint8Array, bigEndian: boolean): string {
  const copy = Buffer.from(data.subarray(0, data.length - (data.length % 2)));
  if (bigEndian) copy.swap16();
  return copy.toString('utf16le');
}

function utf32(data: Uint8Array, bigEndian: boolean): string {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength - (data.byteLength % 4));
  let text = '';
  for (let offset = 0; offset < view.byteLength; offset += 4) {
    const codePoint = view.getUint32(offset, !bigEndian);
    // Python refuses a code point past U+10FFFF: the caller falls back to `text`.
    if (codePoint > 0x10ffff) throw new RangeError(`not UTF-32: code point ${codePoint.toString(16)} at byte ${offset}`);
    text += String.fromCodePoint(codePoint);
  }
  return text;
}

/** The body in `encoding`, without its byte order mark. Throws when the bytes are not that encoding. */
export function decodeJsonUtf(data: Uint8Array, encoding: JsonUtf): string {
  switch (encoding) {
    case 'utf-8':
    case 'utf-8-sig':
      // TextDecoder drops a leading BOM itself.
      return new TextDecoder('utf-8', { fatal: true }).decode(data);
    case 'utf-16': {
      const bigEndian = data[0] === 0xfe;
      return utf16(data.subarray(2), bigEndian);
    }
    case 'utf-16-be':
    case 'utf-16-le':
      return utf16(data, encoding === 'utf-16-be');
    case 'utf-32': {
      const bigEndian = data[0] === 0;
      return utf32(data.subarray(4), bigEndian);
    }
    case 'utf-32-be':
    case 'utf-32-le':
      return utf32(data, encoding === 'utf-32-be');
  }
}

/**
 * The JSON value of a body. `text` is the body as Response.text decodes it,
 * used when a charset was declared (`encoding` not null) or the bytes show none.
 */
export function parseJsonBody(content: Uint8Array, encoding: string | null, text: () => string, request: RequestInfo): unknown {
  let doc: string | undefined;
  if (encoding === null && content.length > 3) {
    const guessed = guessJsonUtf(content);
    if (guessed !== null) {
      try {
        doc = decodeJsonUtf(content, guessed);
      } catch {
        // Not really that encoding: requests falls back to `text` (UnicodeDecodeError).
      }
    }
  }
  doc ??= text();
  try {
    return JSON.parse(doc.charCodeAt(0) === 0xfeff ? doc.slice(1) : doc);
  } catch (error) {
    throw jsonDecodeError(error as Error, doc, request);
  }
}

/**
 * V8 quotes the start of the text in most of its messages ('Unexpected token
 * 'h', "hello" is not valid JSON'): only what is free of the body is kept.
 */
function jsonDecodeError(error: Error, doc: string, request: RequestInfo): JSONDecodeError {
  const v8 = error.message;
  const position = /at position (\d+)/.exec(v8)?.[1];
  let reason: string;
  let pos: number | undefined = position === undefined ? undefined : Number(position);
  if (/^Unexpected end of JSON input/.test(v8)) {
    reason = doc.trim() === '' ? 'Expecting value: the body is empty' : 'Unexpected end of JSON input';
    pos = doc.length;
  } else if (position !== undefined && !v8.includes('"')) reason = v8.replace(/ \(line \d+ column \d+\)$/, '');
  else reason = 'Unexpected token, not valid JSON';
  const decodeError = new JSONDecodeError(`${reason} (the body of ${request.method} ${request.url}, ${doc.length} characters, is not JSON)`, { request });
  decodeError.doc = doc;
  if (pos !== undefined) decodeError.pos = pos;
  return decodeError;
}
