/**
 * requests' apparent_encoding: the charset guessed from the bytes themselves
 * (chardet, as requests uses chardet or charset_normalizer), lower-cased as
 * Python's chardet names the common ones ('utf-8', 'ascii'); null when the
 * body says nothing (empty, or no guess).
 */
import { createRequire } from 'node:module';

type Chardet = typeof import('chardet');
let loaded: Chardet | undefined;

/** chardet, required when a body's charset is first guessed, not by every process that loads the engine (CommonJS only: one instance either way). */
function chardet(): Chardet {
  return (loaded ??= createRequire(import.meta.url)('chardet') as Chardet);
}

export function apparentEncoding(content: Uint8Array): string | null {
  if (content.byteLength === 0) return null;
  return chardet().detect(content)?.toLowerCase() ?? null;
}
