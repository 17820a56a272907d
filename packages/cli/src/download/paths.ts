/**
 * Where a downloaded file lands. A URL (or the path a list line gives) is
 * untrusted text: it must become a relative path that is legal on every common
 * file system and can never leave the output directory, and two inputs that
 * map to the same name must not overwrite each other.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { ENGINE_NAME_OVERHEAD_BYTES, isEngineFileName } from '@requests-futures/core/engine-files';
import { PathOutsideDirectoryError } from '../errors.js';
import { hash53 } from '../util/hash53.js';
import { Hash53Set } from '../util/hash53-set.js';

/** File systems limit one name to 255 bytes (ext4, xfs, btrfs, APFS, NTFS counts UTF-16 units: fewer). */
export const MAX_NAME_BYTES = 255;
/** Bytes, not characters; the rest up to 255 is headroom for " (N)" and the engine's hidden names. */
export const MAX_SEGMENT_BYTES = 200;
/**
 * Linux refuses a path of 4096 bytes or more (PATH_MAX); the engine's hidden
 * names and " (N)" need headroom, so a relative path is kept to this much less
 * the output directory's own length.
 */
const MAX_PATH_BYTES = 4096 - 1 - ENGINE_NAME_OVERHEAD_BYTES - 32;
/** An extension longer than this is treated as part of the name when truncating. */
const MAX_KEPT_EXTENSION_BYTES = 20;

// Control characters (C0, DEL, C1), line/paragraph separators, the path separators and what Windows forbids in names.
const ODD_CHARACTERS = /[\p{Cc}\u2028\u2029\\/:*?"<>|]/gu;
/**
 * Format characters (\p{Cf}) are invisible: bidi overrides and isolates
 * (U+202A-202E, U+2066-2069), marks (U+200E/F, U+061C), zero-width space and
 * joiners. They make a name show as something it is not ("a\u202Etxt.exe" shows as
 * "aexe.txt"), so they are replaced; the two joiners only where they do a job:
 * ZWJ between emoji (family and profession sequences), ZWJ/ZWNJ between
 * letters of scripts that shape with them (Arabic, Indic), never beside Latin.
 */
const FORMAT_CHARACTER = /\p{Cf}/u;
const EMOJI = /[\p{Extended_Pictographic}\p{Emoji_Modifier}\uFE0F]/u;
const JOINING_LETTER = /[\p{L}\p{M}]/u;
const LATIN_OR_COMMON = /[\p{Script=Latin}\p{Script=Common}]/u;
/**
 * 1-200 printable ASCII characters, none of ODD_CHARACTERS, not ending in a dot or a space: NFC,
 * the replacements, the trimming and the truncation of sanitizeSegment all leave such a name alone.
 */
const PLAIN_SEGMENT = /^[^\x00-\x1f\x7f-\uffff\\/:*?"<>|]{0,199}[^\x00-\x20.\x7f-\uffff\\/:*?"<>|]$/;
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

function isJoiningLetter(char: string | undefined): boolean {
  return char !== undefined && JOINING_LETTER.test(char) && !LATIN_OR_COMMON.test(char);
}

/** Whether the joiner at `index` of `chars` joins something (emoji or shaping letters) rather than hiding in a name. */
function joinerDoesAJob(chars: string[], index: number): boolean {
  const before = chars[index - 1];
  const after = chars[index + 1];
  if (chars[index] === '\u200d' && before !== undefined && after !== undefined && EMOJI.test(before) && EMOJI.test(after)) return true;
  return isJoiningLetter(before) && isJoiningLetter(after);
}

/** Replaces invisible format characters (bidi controls, zero-width characters) by '_', keeping joiners that do a job. */
export function replaceFormatCharacters(text: string): string {
  if (!/\p{Cf}/u.test(text)) return text;
  const chars = [...text];
  return chars
    .map((char, index) => {
      if (!FORMAT_CHARACTER.test(char)) return char;
      if ((char === '\u200d' || char === '\u200c') && joinerDoesAJob(chars, index)) return char;
      return '_';
    })
    .join('');
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
  // Most names are plain ASCII that every step below leaves as it is: answered at once (a list of
  // 5,000 URLs spent ~1% of rf download's main thread normalizing and testing names that needed nothing).
  if (PLAIN_SEGMENT.test(segment) && !WINDOWS_RESERVED.test(segment)) return segment;
  if (segment === '.' || segment === '..') return '';
  let safe = replaceFormatCharacters(segment.normalize('NFC').replace(ODD_CHARACTERS, '_'));
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
  return `${hostSegment(parsed.host)}/${sanitizeRelativePath(parsed.pathname, { decode: true })}`;
}

/** The last host's segment: a list's URLs come host after host, and "host:port" always takes sanitizeSegment's long way (the ':'). */
let lastHost: { host: string; segment: string } | undefined;

function hostSegment(host: string): string {
  if (lastHost?.host !== host) lastHost = { host, segment: sanitizeSegment(host) || 'host' };
  return lastHost.segment;
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

/**
 * The n-th alternative for a name that is taken or reserved. A name shaped like
 * the engine's hidden files is numbered at its very end (".a.bin.part" →
 * ".a.bin.part (2)"): "name (n).ext" would give ".a.bin (2).part", the part
 * file of "a.bin (2)". A name ending in ")" is never reserved.
 */
export function alternativeName(name: string, n: number): string {
  const numbered = numberedName(name, n);
  return isEngineFileName(name) || isEngineFileName(numbered) ? `${name} (${n})` : numbered;
}

/**
 * Keeps a relative path short enough for the file system (see MAX_PATH_BYTES):
 * when too long, the leading directories that fit are kept and the rest of the
 * directories collapse into one segment named by their hash, so two different
 * long paths stay apart and a rerun yields the same name.
 */
export function fitPathLength(segments: string[], maxBytes: number): string[] {
  const bytes = (parts: string[]) => Buffer.byteLength(parts.join('/'));
  if (segments.length < 2 || bytes(segments) <= maxBytes) return segments;
  const fileName = segments[segments.length - 1];
  const directories = segments.slice(0, -1);
  const collapsed = `_${createHash('sha1').update(directories.join('/')).digest('hex').slice(0, 16)}`;
  const kept: string[] = [];
  for (const directory of directories) {
    if (bytes([...kept, directory, collapsed, fileName]) > maxBytes) break;
    kept.push(directory);
  }
  return [...kept, collapsed, fileName];
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
 * A name shaped like the engine's hidden files (`.T.part`, `.T.part.json`,
 * `.T.part.lock` and its transients, `.T.<pid>-<hex>.part`) is never handed out: it would share a
 * file with the download of `T`.
 *
 * Names are compared case-insensitively (macOS and Windows would merge them).
 * The taken set is the one thing that grows with the number of URLs, so it
 * keeps a 53-bit hash of each name (a number, in a compact Hash53Set) instead of the string. Equal
 * names always hash alike, so a hash clash can only cause an unneeded " (n)",
 * never two downloads sharing one name.
 */
export class PathAllocator {
  readonly directory: string;
  private readonly maxRelativeBytes: number;
  private readonly files = new Hash53Set();
  private readonly directories = new Hash53Set();
  /** For a base name that collided: the number its next collision starts probing at. */
  private readonly nextNumber = new Map<number, number>();

  constructor(directory: string) {
    this.directory = path.resolve(directory);
    this.maxRelativeBytes = Math.max(2 * MAX_NAME_BYTES, MAX_PATH_BYTES - Buffer.byteLength(this.directory) - 1);
  }

  allocate(safeRelativePath: string): AllocatedPath {
    const segments = fitPathLength(safeRelativePath.split('/'), this.maxRelativeBytes);
    const fileName = segments.pop() ?? 'index';
    const parents: string[] = [];
    for (const segment of segments) {
      let candidate = segment;
      for (let n = 2; isEngineFileName(candidate) || this.files.has(this.key([...parents, candidate])); n += 1) {
        candidate = alternativeName(segment, n);
      }
      parents.push(candidate);
      this.directories.add(this.key(parents));
    }
    // Names only ever become taken, so every number below the last one handed
    // out for this base is still taken: resuming there keeps a list of 200,000
    // "file?id=N" URLs linear instead of probing (2), (3), … from the start each time.
    // Each candidate is hashed once: the key that found it free is the one recorded.
    const baseKey = this.key([...parents, fileName]);
    const resumeAt = this.nextNumber.get(baseKey);
    let name = resumeAt === undefined ? fileName : alternativeName(fileName, resumeAt);
    let key = resumeAt === undefined ? baseKey : this.key([...parents, name]);
    let n = (resumeAt ?? 1) + 1;
    for (; isEngineFileName(name) || this.isTaken(key); n += 1) {
      name = alternativeName(fileName, n);
      key = this.key([...parents, name]);
    }
    if (name !== fileName) this.nextNumber.set(baseKey, n);
    this.files.add(key);
    const relativePath = [...parents, name].join('/');
    return { relativePath, absolutePath: this.resolveInside(relativePath) };
  }

  /**
   * Takes a path ('/'-separated, relative to the directory) out of the run's
   * hands as if a download had it: a file of the run's own (its manifest, its
   * list) that lies inside the output directory must not be replaced by a download.
   */
  reserve(relativePath: string): void {
    const segments = relativePath.split('/');
    for (let depth = 1; depth < segments.length; depth += 1) this.directories.add(this.key(segments.slice(0, depth)));
    this.files.add(this.key(segments));
  }

  /** path.resolve is the last word: whatever sanitization missed, nothing is written outside the directory. */
  resolveInside(relativePath: string): string {
    const absolutePath = path.resolve(this.directory, ...relativePath.split('/'));
    if (!absolutePath.startsWith(this.directory + path.sep)) {
      throw new PathOutsideDirectoryError(relativePath, this.directory);
    }
    return absolutePath;
  }

  /** Taken as a file, or as a directory another file needs. */
  private isTaken(key: number): boolean {
    return this.files.has(key) || this.directories.has(key);
  }

  private key(segments: string[]): number {
    return hash53(segments.join('/').toLowerCase());
  }
}
