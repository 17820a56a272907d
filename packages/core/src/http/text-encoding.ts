/**
 * Which charset a body is in, and decoding it, the way requests does
 * (utils.get_encoding_from_headers and Response.text).
 */
import { TextDecoder } from 'node:util';

/**
 * The charset a Content-Type declares; ISO-8859-1 for text/* without one
 * (RFC 2616, as requests does) and UTF-8 for JSON; null when unknown.
 */
export function encodingFromContentType(contentType: string | undefined): string | null {
  if (!contentType) return null;
  // Every response is asked, and a run of responses mostly carries one Content-Type: the last answer is kept.
  if (contentType === lastContentType) return lastEncoding;
  const encoding = parseEncoding(contentType);
  lastContentType = contentType;
  lastEncoding = encoding;
  return encoding;
}

let lastContentType: string | undefined;
let lastEncoding: string | null = null;

function parseEncoding(contentType: string): string | null {
  const [mediaType = '', ...params] = contentType.split(';');
  for (const param of params) {
    const [key, ...rest] = param.split('=');
    if (key?.trim().toLowerCase() === 'charset') {
      const value = rest.join('=').trim().replace(/^["']|["']$/g, '');
      if (value) return value;
    }
  }
  const type = mediaType.trim().toLowerCase();
  if (type.includes('text')) return 'ISO-8859-1';
  if (type === 'application/json') return 'utf-8';
  return null;
}

const LATIN1_LABELS = new Set(['iso-8859-1', 'iso8859-1', 'latin1', 'latin-1', 'l1', 'iso_8859-1', 'cp819', 'ibm819']);

/**
 * Decodes with the given charset, replacing invalid sequences. An unknown
 * label falls back to UTF-8, as requests falls back when the codec lookup fails.
 */
export function decodeText(content: Uint8Array, encoding: string | null): string {
  const label = (encoding ?? 'utf-8').trim().toLowerCase();
  // WHATWG maps the latin-1 labels to windows-1252; Python's latin-1 is the real ISO-8859-1.
  if (LATIN1_LABELS.has(label)) return Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('latin1');
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label);
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  return decoder.decode(content);
}
