/**
 * Digests users give for their downloads: a list line's third field
 * (`URL<TAB>path<TAB>sha256=<hex>`) and a `--checksums FILE` in the format
 * `sha256sum` writes and reads (`<hex>  path`, `<hex> *path`, and its
 * backslash-escaped form for names with a newline or backslash). A file's path
 * is the entry's output path relative to DIR, as in the manifest.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { UsageError } from '../errors.js';

const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

/** The lower-case digest of a list line's `sha256=<hex>` field, or a reason it is not one. */
export function parseDigestField(field: string): { sha256: string } | { reason: string } {
  const match = /^sha256=(.*)$/i.exec(field);
  if (!match) return { reason: `third field ${JSON.stringify(field)} is not sha256=<64 hex digits>` };
  if (!SHA256_HEX.test(match[1] ?? '')) return { reason: `sha256=${JSON.stringify(match[1])} is not 64 hex digits` };
  return { sha256: (match[1] ?? '').toLowerCase() };
}

/** Undoes sha256sum's escaping of a name (`\\` and `\n`), used when the line starts with a backslash. */
function unescapeName(name: string): string {
  return name.replace(/\\(.)/g, (_, char: string) => (char === 'n' ? '\n' : char));
}

/** Normalizes a path as sha256sum users write it (`./a/b`) to the manifest's form (`a/b`). */
export function normalizeChecksumPath(name: string): string {
  return name.normalize('NFC').replace(/^(\.\/)+/, '');
}

/** One sha256sum line: [path, digest], null for a blank line; throws a UsageError naming the line otherwise. */
export function parseChecksumLine(line: string, lineNumber: number, file: string): [string, string] | null {
  if (line.trim() === '' || line.startsWith('#')) return null;
  const escaped = line.startsWith('\\');
  const match = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(escaped ? line.slice(1) : line);
  if (!match) throw new UsageError(`--checksums ${file}, line ${lineNumber}: expected "<64 hex digits>  path" (sha256sum format)`);
  const name = escaped ? unescapeName(match[2] ?? '') : (match[2] ?? '');
  return [normalizeChecksumPath(name), (match[1] ?? '').toLowerCase()];
}

/**
 * Reads a sha256sum file into path → digest. It is held in memory (about 150
 * bytes an entry); a path listed twice with different digests is refused.
 */
export async function readChecksumsFile(file: string): Promise<Map<string, string>> {
  const digests = new Map<string, string>();
  let lineNumber = 0;
  let lines;
  try {
    lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    for await (const line of lines) {
      lineNumber += 1;
      const parsed = parseChecksumLine(line, lineNumber, file);
      if (parsed === null) continue;
      const [name, digest] = parsed;
      const earlier = digests.get(name);
      if (earlier !== undefined && earlier !== digest) {
        throw new UsageError(`--checksums ${file}, line ${lineNumber}: ${JSON.stringify(name)} is listed before with another digest`);
      }
      digests.set(name, digest);
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read --checksums ${JSON.stringify(file)}: ${(error as Error).message}`);
  } finally {
    lines?.close();
  }
  return digests;
}
