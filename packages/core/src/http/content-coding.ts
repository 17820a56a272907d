/**
 * The Content-Encoding values got decodes (through decompress-response 10):
 * exactly one of gzip, deflate and br (and zstd where zlib has it), in any
 * case. Any other value, `x-gzip` and a list of codings (`gzip, br`)
 * included, reaches us still encoded: a download must not save those bytes
 * as the file, nor report their digest as the file's.
 */
import zlib from 'node:zlib';

/** Lower case, as the header is compared. */
export const DECODED_CODINGS: readonly string[] = ['gzip', 'deflate', 'br', ...('createZstdDecompress' in zlib ? ['zstd'] : [])];
const DECODED = new Set(DECODED_CODINGS);

/** The header when it names a coding the body still carries; undefined when the body is the representation's own bytes. */
export function undecodedCoding(header: string | undefined): string | undefined {
  const coding = (header ?? '').trim().toLowerCase();
  return coding === '' || coding === 'identity' || DECODED.has(coding) ? undefined : header;
}
