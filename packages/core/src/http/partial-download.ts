/**
 * The bookkeeping of a resumable download: `.<name>.part` holds the bytes so
 * far and `.<name>.part.json` the validator (ETag or Last-Modified) of the
 * response they came from, so a later request can ask for the rest with
 * `Range` + `If-Range` and get it only if the file has not changed.
 */
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

export interface PartialDownload {
  /** Bytes already in the part file. */
  bytes: number;
  validator: string;
  url: string;
}

interface PartialRecord {
  validator: string;
  url: string;
}

export function partialPaths(target: string): { part: string; record: string } {
  const destination = resolve(target);
  const part = join(dirname(destination), `.${basename(destination)}.part`);
  return { part, record: `${part}.json` };
}

/** The partial download left for `target`, if one can be resumed. */
export async function findPartial(target: string): Promise<PartialDownload | null> {
  const { part, record } = partialPaths(target);
  try {
    const [info, text] = await Promise.all([stat(part), readFile(record, 'utf8')]);
    const parsed = JSON.parse(text) as Partial<PartialRecord>;
    if (!info.isFile() || info.size === 0 || typeof parsed.validator !== 'string' || typeof parsed.url !== 'string') return null;
    return { bytes: info.size, validator: parsed.validator, url: parsed.url };
  } catch {
    return null;
  }
}

export async function rememberPartial(target: string, record: PartialRecord): Promise<void> {
  await writeFile(partialPaths(target).record, JSON.stringify(record));
}

/** Removes the record (and the part file unless told to keep it). */
export async function forgetPartial(target: string, options: { keepPart?: boolean } = {}): Promise<void> {
  const { part, record } = partialPaths(target);
  await rm(record, { force: true });
  if (!options.keepPart) await rm(part, { force: true });
}

/** requests' content-range parsing for a 206: the first byte position, or undefined. */
export function contentRangeStart(header: string | undefined): number | undefined {
  const match = header ? /^bytes\s+(\d+)-\d+\/(?:\d+|\*)$/.exec(header.trim()) : null;
  return match ? Number(match[1]) : undefined;
}
