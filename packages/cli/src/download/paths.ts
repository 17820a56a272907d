/**
 * Where a downloaded file lands. A URL (or the path a list line gives) is
 * untrusted text: it must become a relative path that is legal on every common
 * file system and can never leave the output directory, and two inputs that
 * map to the same name must not overwrite each other.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { PathOutsideDirectoryError } from '../errors.js';

/** Bytes, not characters: file systems limit a name to 255 bytes; the rest is headroom for " (N)". */
export const MAX_SEGMENT_BYTES = 200;
/** An extension longer than this is treated as part of the name when truncating. */
const MAX_KEPT_EXTENSION_BYTES = 20;

// Control characters (incl. NUL), the path separators and what Windows forbids in names.
const ODD_CHARACTERS = /[\u0000-\u001f\u007f\\/:*?"<>|]/g;
// Windows refuses these as names, with any extension ("con.txt" too).
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

/** Decodes %XX runs; a malformed run is kept as typed rather than failing the whole name. */
export function percentDecode(text: string): string {
  return text.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

/** Cuts a UTF-8 string to at most `maxBytes` bytes without splitting a character. */
function truncateUtf8(text: string, maxBytes: number): string {
  let bytes = 0;
  let out = '';
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (bytes + size > maxBytes) break;
    bytes += size;
    out += char;
  }
  return out;
}

/** Splits "name.ext" at the last dot; a leading dot (".bashrc") is part of the name. */
export function splitExtension(name: string): [stem: string, extension: string] {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return [name, ''];
  return [name.slice(0, dot), name.slice(dot)];
}

function truncateSegment(segment: string): string {
  if (Buffer.byteLength(segment) <= MAX_SEGMENT_BYTES) return segment;
  const [stem, extension] = splitExtension(segment);
  const extensionBytes = Buffer.byteLength(extension);
  if (extension && extensionBytes <= MAX_KEPT_EXTENSION_BYTES) {
    return truncateUtf8(stem, MAX_SEGMENT_BYTES - extensionBytes) + extension;
  }
  return truncateUtf8(segment, MAX_SEGMENT_BYTES);
}

/**
 * One path segment made safe, or '' when nothing usable is left ('.', '..', or
 * only dots and spaces, which Windows strips from the end of names).
 */
export function sanitizeSegment(segment: string): string {
  if (segment === '.' || segment === '..') return '';
  let safe = segment.normalize('NFC').replace(ODD_CHARACTERS, '_');
  safe = safe.replace(/[. ]+$/, '');
  if (safe === '') return '';
  if (WINDOWS_RESERVED.test(safe)) safe = `_${safe}`;
  return truncateSegment(safe);
}

export interface SanitizeOptions {
  /** Percent-decode each segment first (for URL paths; a list's explicit path is taken literally). */
  decode?: boolean;
}

/**
 * A relative path ('/'-separated) from untrusted text: empty, '.' and '..'
 * segments are dropped (so it cannot climb), a leading '/' or drive letter
 * cannot make it absolute, and a name that ends in '/' (or is empty) becomes 'index'.
 */
export function sanitizeRelativePath(raw: string, options: SanitizeOptions = {}): string {
  const rawSegments = raw.split('/');
  const endsInDirectory = rawSegments[rawSegments.length - 1] === '';
  const safe: string[] = [];
  for (const rawSegment of rawSegments) {
    const decoded = options.decode ? percentDecode(rawSegment) : rawSegment;
    const segment = sanitizeSegment(decoded);
    if (segment !== '') safe.push(segment);
  }
  if (safe.length === 0 || endsInDirectory) safe.push('index');
  return safe.join('/');
}

/** host[_port]/path segments of an http(s) URL; the query and fragment are not part of the name. */
export function pathFromUrl(url: string | URL): string {
  const parsed = typeof url === 'string' ? new URL(url) : url;
  const host = sanitizeSegment(parsed.host) || 'host';
  return `${host}/${sanitizeRelativePath(parsed.pathname, { decode: true })}`;
}

/**
 * True when a list line's explicit path says to write outside the output
 * directory: absolute ("/etc/passwd", "C:\\x") or climbing above it ("../x").
 * Such a line is refused rather than silently rewritten.
 */
export function pathEscapesDirectory(raw: string): boolean {
  const slashed = raw.replace(/\\/g, '/');
  if (slashed.startsWith('/') || /^[a-zA-Z]:/.test(slashed)) return true;
  let depth = 0;
  for (const segment of slashed.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      depth -= 1;
      if (depth < 0) return true;
    } else {
      depth += 1;
    }
  }
  return false;
}

/** "name.ext" → "name (n).ext", the way browsers name a second download. */
export function numberedName(name: string, n: number): string {
  const [stem, extension] = splitExtension(name);
  return `${stem} (${n})${extension}`;
}

export interface AllocatedPath {
  /** '/'-separated, relative to the output directory. */
  relativePath: string;
  absolutePath: string;
}

/**
 * Hands out one distinct file path per download in a run. A name already
 * taken (as a file, or as a directory another file needs) gets " (2)", " (3)",
 * in the order inputs arrive, so a rerun of the same list yields the same names.
 *
 * Names are compared case-insensitively (macOS and Windows would merge them).
 * The taken set is the one thing that grows with the number of URLs, so it
 * keeps a 48-bit hash of each name (a number) instead of the string. Equal
 * names always hash alike, so a hash clash can only cause an unneeded " (n)",
 * never two downloads sharing one name.
 */
export class PathAllocator {
  readonly directory: string;
  private readonly files = new Set<number>();
  private readonly directories = new Set<number>();

  constructor(directory: string) {
    this.directory = path.resolve(directory);
  }

  allocate(safeRelativePath: string): AllocatedPath {
    const segments = safeRelativePath.split('/');
    const fileName = segments.pop() ?? 'index';
    const parents: string[] = [];
    for (const segment of segments) {
      let candidate = segment;
      for (let n = 2; this.files.has(this.key([...parents, candidate])); n += 1) {
        candidate = numberedName(segment, n);
      }
      parents.push(candidate);
      this.directories.add(this.key(parents));
    }
    let name = fileName;
    for (let n = 2; this.isTaken([...parents, name]); n += 1) {
      name = numberedName(fileName, n);
    }
    const finalSegments = [...parents, name];
    this.files.add(this.key(finalSegments));
    const relativePath = finalSegments.join('/');
    return { relativePath, absolutePath: this.resolveInside(relativePath) };
  }

  /** path.resolve is the last word: whatever sanitization missed, nothing is written outside the directory. */
  resolveInside(relativePath: string): string {
    const absolutePath = path.resolve(this.directory, ...relativePath.split('/'));
    if (!absolutePath.startsWith(this.directory + path.sep)) {
      throw new PathOutsideDirectoryError(relativePath, this.directory);
    }
    return absolutePath;
  }

  private isTaken(segments: string[]): boolean {
    const key = this.key(segments);
    return this.files.has(key) || this.directories.has(key);
  }

  private key(segments: string[]): number {
    const digest = createHash('sha1').update(segments.join('/').toLowerCase()).digest();
    return digest.readUIntBE(0, 6);
  }
}
