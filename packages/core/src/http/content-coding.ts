/**
 * Content-Encoding: what the engine decodes, and what it does not. got decodes
 * exactly one of gzip, deflate and br (and zstd where zlib has it), in any
 * case (decompress-response 10). What urllib3, and so requests, decodes
 * besides is decoded here (send-hop.ts): `x-gzip`, gzip's old name, and a
 * list of codings (`gzip, br`: br applied last, so undone first). Anything
 * else (`compress`, an unknown name) reaches the caller still encoded: a
 * download must not save those bytes as the file, nor report their digest as
 * the file's. And only an identity-coded body's Content-Length (and
 * Content-Range) counts the bytes that reach the caller.
 */
import { PassThrough, type Readable, type Transform } from 'node:stream';
import zlib from 'node:zlib';
import type { Response } from './response.js';

const DECODERS: Record<string, () => Transform> = {
  gzip: () => zlib.createGunzip(),
  'x-gzip': () => zlib.createGunzip(),
  deflate: () => zlib.createInflate(),
  br: () => zlib.createBrotliDecompress(),
  ...('createZstdDecompress' in zlib ? { zstd: () => (zlib as unknown as { createZstdDecompress(): Transform }).createZstdDecompress() } : {}),
};

/** Lower case, as the header is compared: the codings that can be undone, alone or in a list. */
export const DECODED_CODINGS: readonly string[] = Object.keys(DECODERS);

/** The codings of a header value, lower case, `identity` left out; null when one of them cannot be undone. */
function codingsOf(header: string): string[] | null {
  const codings: string[] = [];
  for (const part of header.split(',')) {
    const coding = part.trim().toLowerCase();
    if (coding === '' || coding === 'identity') continue;
    if (!(coding in DECODERS)) return null;
    codings.push(coding);
  }
  return codings;
}

/** The header when it names a coding the body still carries; undefined when the body is the representation's own bytes. */
export function undecodedCoding(header: string | undefined): string | undefined {
  return header === undefined || codingsOf(header) !== null ? undefined : header;
}

/** The body is written as sent (identity encoding): Content-Length and Content-Range count its bytes. */
export function isIdentityCoded(response: Response): boolean {
  return (response.headers.get('content-encoding') ?? 'identity').trim().toLowerCase() === 'identity';
}

/** The body's Content-Length when it counts the bytes written (identity encoding), else undefined. */
export function identityLength(response: Response): number | undefined {
  const length = response.headers.get('content-length');
  return isIdentityCoded(response) && length !== undefined && /^\d+$/.test(length.trim()) ? Number(length) : undefined;
}

/** The body as the caller should read it: `body` itself unless its coding is one got leaves to us (x-gzip, a list). */
export function decodedBody(body: Readable, contentEncoding: string | undefined): Readable {
  if (contentEncoding === undefined) return body;
  const coding = contentEncoding.trim().toLowerCase();
  // got's own: exactly one coding it knows (send-hop's hot path: one string test for the common case).
  if (coding === 'gzip' || coding === 'br' || coding === 'deflate' || coding === 'zstd' || coding === '' || coding === 'identity') return body;
  const codings = codingsOf(coding);
  if (codings === null || codings.length === 0) return body;
  return decodedThrough(body, codings.reverse().map((name) => DECODERS[name]!()));
}

/**
 * `body` through `decoders`, as got decodes: an error of the body (a broken
 * connection, an abort) reaches the reader as it is; a failed check of the
 * data is zlib's error (error-mapping.ts makes it ContentDecodingError); an
 * empty body (a HEAD's, a 204's) is empty rather than an error; and a reader
 * that gives up destroys the body, so its socket is let go.
 */
function decodedThrough(body: Readable, decoders: Transform[]): Readable {
  const decoded = new PassThrough();
  let sawData = false;
  body.on('data', () => (sawData = true));
  body.on('error', (error) => decoded.destroy(error));
  for (const decoder of decoders) decoder.on('error', (error) => (sawData ? decoded.destroy(error) : decoded.end()));
  decoded.on('close', () => {
    if (!body.readableEnded) body.destroy();
  });
  // As on got's stream (send-hop.ts): the reader may come later, and finds the error on the stream then.
  decoded.on('error', () => {});
  let last: Readable = body;
  for (const decoder of decoders) last = last.pipe(decoder);
  last.pipe(decoded);
  return decoded;
}
