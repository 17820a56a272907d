/**
 * requests' apparent_encoding: the charset guessed from the bytes themselves
 * (chardet, as requests uses chardet or charset_normalizer), lower-cased as
 * Python's chardet names the common ones ('utf-8', 'ascii'); null when the
 * body says nothing (empty, or no guess).
 */
import { detect } from 'chardet';

export function apparentEncoding(content: Uint8Array): string | null {
  if (content.byteLength === 0) return null;
  return detect(content)?.toLowerCase() ?? null;
}
