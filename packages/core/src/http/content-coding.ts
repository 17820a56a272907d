/**
 * Content-Encoding: what the engine decodes, and what it does not. got decodes
 * exactly one of gzip, deflate and br (and zstd where zlib has it), in any
 * case (decompress-response 10); `x-gzip`, which urllib3 and so requests
 * decode as gzip, is decoded here (send-hop.ts). Any other value, a list of
 * codings (`gzip, br`) included, reaches the caller still encoded: a download
 * must not save those bytes as the file, nor report their digest as the file's.
 */
import { PassThrough, type Readable } from 'node:stream';
import zlib from 'node:zlib';

/** Lower case, as the header is compared. */
export const DECODED_CODINGS: readonly string[] = ['gzip', 'x-gzip', 'deflate', 'br', ...('createZstdDecompress' in zlib ? ['zstd'] : [])];
const DECODED = new Set(DECODED_CODINGS);

/** The header when it names a coding the body still carries; undefined when the body is the representation's own bytes. */
export function undecodedCoding(header: string | undefined): string | undefined {
  const coding = (header ?? '').trim().toLowerCase();
  return coding === '' || coding === 'identity' || DECODED.has(coding) ? undefined : header;
}

/** The body as the caller should read it: `body` itself unless its coding is one got leaves to us (x-gzip). */
export function decodedBody(body: Readable, contentEncoding: string | undefined): Readable {
  return contentEncoding !== undefined && contentEncoding.trim().toLowerCase() === 'x-gzip' ? gunzipped(body) : body;
}

/**
 * `body` gunzipped, as got does gzip: an error of the body (a broken
 * connection, an abort) reaches the reader as it is; a failed check of the
 * gzip data is zlib's error (error-mapping.ts makes it ContentDecodingError);
 * an empty body (a HEAD's, a 204's) is empty rather than an error; and a
 * reader that gives up destroys the body, so its socket is let go.
 */
function gunzipped(body: Readable): Readable {
  const decoded = new PassThrough();
  const gunzip = zlib.createGunzip();
  let sawData = false;
  body.on('data', () => (sawData = true));
  body.on('error', (error) => decoded.destroy(error));
  gunzip.on('error', (error) => (sawData ? decoded.destroy(error) : decoded.end()));
  decoded.on('close', () => {
    if (!body.readableEnded) body.destroy();
  });
  // As on got's stream (send-hop.ts): the reader may come later, and finds the error on the stream then.
  decoded.on('error', () => {});
  body.pipe(gunzip).pipe(decoded);
  return decoded;
}
