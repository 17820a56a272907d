/**
 * The URL list, read lazily: a list of millions of lines is never held in
 * memory, the downloader pulls the next line only when it has room for it.
 *
 * Format, one entry a line:   URL   or   URL<TAB>relative/path   or
 * URL<TAB>relative/path<TAB>sha256=<hex>   (URL<TAB><TAB>sha256=<hex>: no path).
 * Indented `name=value` lines after a URL carry options for it, aria2c style
 * (line-options.ts: out=, header=, checksum=), so an entry is yielded once
 * the next URL line (or the end) shows its options are complete.
 * Blank lines and lines starting with '#' are skipped. A bad line is reported
 * (with its 1-based line number) and skipped: one typo must not cost the rest.
 * An entry with a bad option is refused, reported at the option's line.
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { parseDigestField } from './checksums.js';
import { applyLineOption, optionLine, type LineOptions } from './line-options.js';
import { pathEscapesDirectory } from './paths.js';

export interface UrlListEntry {
  url: string;
  /** The path the line asked for (untrusted, not yet sanitized); absent when the line has no TAB part. */
  requestedPath?: string;
  /** The sha256 the line expects (lower-case hex), when it gives one. */
  expectedSha256?: string;
  /** Headers for this URL alone (`  header=K: V` lines), on top of the session's -H. */
  headers?: Record<string, string>;
  lineNumber: number;
}

export interface BadLine {
  lineNumber: number;
  /** The whole line, trimmed: what the error message quotes. */
  text: string;
  /** The line's URL field alone (for the manifest's `url`), when the line has one. */
  url?: string;
  /** The path the line asked for, when it gives one (the manifest's `requestedPath`). */
  requestedPath?: string;
  reason: string;
}

export interface ReadUrlListOptions {
  /** Called for every refused line, in order; without it bad lines are skipped silently. */
  onBadLine?: (bad: BadLine) => void;
}

/** A list source: a file path, or '-' for the given stdin stream. */
export function openUrlList(fileOrDash: string, stdin: Readable): Readable {
  return fileOrDash === '-' ? stdin : createReadStream(fileOrDash);
}

/** Why a line cannot be downloaded, or null when it is fine. */
function refuse(url: string, requestedPath: string | undefined): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `not an http(s) URL: ${JSON.stringify(url)}`;
  }
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.hostname === '') {
    return `not an http(s) URL: ${JSON.stringify(url)}`;
  }
  if (requestedPath !== undefined && pathEscapesDirectory(requestedPath)) {
    return `path ${JSON.stringify(requestedPath)} escapes the output directory`;
  }
  return null;
}

/** Parses one line; null for blank and comment lines. */
export function parseUrlListLine(line: string, lineNumber: number): UrlListEntry | BadLine | null {
  const text = lineNumber === 1 ? line.replace(/^\uFEFF/, '') : line;
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return null;
  const fields = trimmed.split('\t').map((field) => field.trim());
  const [url = '', pathPart = '', digestField = ''] = fields;
  const requestedPath = pathPart === '' ? undefined : pathPart;
  const bad = (reason: string): BadLine => ({ lineNumber, text: trimmed, url, ...(requestedPath !== undefined ? { requestedPath } : {}), reason });
  if (fields.length > 3) return bad('more than three TAB-separated fields (URL, path, sha256=<hex>)');
  const reason = refuse(url, requestedPath);
  if (reason !== null) return bad(reason);
  const entry: UrlListEntry = { url, lineNumber };
  if (requestedPath !== undefined) entry.requestedPath = requestedPath;
  if (digestField !== '') {
    const digest = parseDigestField(digestField);
    if ('reason' in digest) return bad(digest.reason);
    entry.expectedSha256 = digest.sha256;
  }
  return entry;
}

/** The URL entry whose option lines are still being read; `refused` once its line or an option was bad. */
type Pending = { entry: UrlListEntry } | { refused: true } | null;

/** `entry` with one option line applied, or the bad line that refuses it. */
function withOption(entry: UrlListEntry, name: string, value: string, lineNumber: number, text: string): UrlListEntry | BadLine {
  const current: LineOptions = {};
  if (entry.requestedPath !== undefined) current.requestedPath = entry.requestedPath;
  if (entry.expectedSha256 !== undefined) current.expectedSha256 = entry.expectedSha256;
  if (entry.headers !== undefined) current.headers = entry.headers;
  try {
    return { ...entry, ...applyLineOption(current, name, value) };
  } catch (error) {
    const reason = `${(error as Error).message} (an option of the URL on line ${entry.lineNumber})`;
    return { lineNumber, text, url: entry.url, ...(entry.requestedPath !== undefined ? { requestedPath: entry.requestedPath } : {}), reason };
  }
}

/**
 * The source's lines as readline (crlfDelay: Infinity) gives them: \n, \r\n
 * (across chunks too) or a lone \r ends a line, and a last line without an
 * end counts unless it is empty. Split here, a chunk at a time: readline's
 * event and async-iterator layers per line cost ~2% of rf download's main
 * thread on a list of 5,000 URLs.
 */
export async function* splitLines(source: Readable): AsyncGenerator<string[]> {
  const decoder = new StringDecoder('utf8');
  let partial = '';
  let skipNewline = false;
  const split = (text: string): string[] => {
    if (skipNewline && text.startsWith('\n')) text = text.slice(1);
    skipNewline = false;
    const lines = (partial + text).split(/\r\n|\n|\r/);
    partial = lines.pop()!;
    // A \r that ends the chunk ended its line; a \n first in the next chunk belongs to it.
    if (partial === '' && text.endsWith('\r')) skipNewline = true;
    return lines;
  };
  // Left open when the reader stops early, as readline left it (the list may be the process's stdin).
  for await (const chunk of source.iterator({ destroyOnReturn: false })) {
    const lines = split(typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer));
    if (lines.length > 0) yield lines;
  }
  const last = split(decoder.end());
  if (partial !== '') last.push(partial);
  if (last.length > 0) yield last;
}

/** A list's entries and refused lines, in the order readUrlList yields and reports them. */
export type UrlListItem = UrlListEntry | BadLine;

export function isBadLine(parsed: UrlListItem): parsed is BadLine {
  return 'reason' in parsed;
}

/**
 * The list a chunk at a time: each batch holds the entries and the refused
 * lines that chunk completed, in order. A consumer that loops over a batch
 * saves an async generator's turns per URL (rf download's main thread).
 */
export async function* readUrlListInBatches(source: Readable): AsyncGenerator<UrlListItem[]> {
  let lineNumber = 0;
  let pending: Pending = null;
  let items: UrlListItem[] = [];
  const refuse = (bad: BadLine): Pending => {
    items.push(bad);
    return { refused: true };
  };
  for await (const lines of splitLines(source)) {
    for (const line of lines) {
      lineNumber += 1;
      const option = optionLine(line);
      if (option !== null) {
        const text = line.trim();
        if (pending === null) pending = refuse({ lineNumber, text, reason: 'an option line with no URL line before it' });
        else if ('entry' in pending) {
          const next = withOption(pending.entry, option[0], option[1], lineNumber, text);
          pending = isBadLine(next) ? refuse(next) : { entry: next };
        }
        continue;
      }
      const parsed = parseUrlListLine(line, lineNumber);
      if (parsed === null) continue;
      if (pending !== null && 'entry' in pending) items.push(pending.entry);
      pending = isBadLine(parsed) ? refuse(parsed) : { entry: parsed };
    }
    if (items.length > 0) {
      yield items;
      items = [];
    }
  }
  if (pending !== null && 'entry' in pending) yield [pending.entry];
}

export async function* readUrlList(source: Readable, options: ReadUrlListOptions = {}): AsyncGenerator<UrlListEntry> {
  for await (const items of readUrlListInBatches(source)) {
    for (const item of items) {
      if (isBadLine(item)) options.onBadLine?.(item);
      else yield item;
    }
  }
}
