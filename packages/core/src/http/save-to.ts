/**
 * `saveTo`: the body streamed to disk where the request runs, never held in
 * memory (at most two 1 MiB write batches per download, see
 * batched-file-writer.ts). It is written to a hidden temporary file beside the
 * target and renamed into place only once complete, so the target is either
 * absent or whole for every reader, and after a killed process.
 *
 * No fsync: durability across a power loss is not promised (requests, curl
 * and wget do not sync either), and syncing made every download wait for the
 * disk: on the development VM, 231 MB/s synced against 3.4 GB/s into the page
 * cache, which capped the 1 GiB benchmark at the disk's speed.
 *
 * Without `resume` the temporary name is unique (writer's pid + random) and
 * the file is removed on any failure or abort; a child process killed
 * mid-transfer cannot do that, so its coordinator does. With `resume` it is
 * the stable `.<name>.part`, with the response's validator (ETag or
 * Last-Modified) in `.<name>.part.json`, and a failure (a killed child
 * included) leaves both behind so the next attempt can ask for the rest
 * (see partial-download.ts).
 */
import { createHash, randomBytes, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { BatchedFileWriter } from './batched-file-writer.js';
import { BodyCounter, type BodyStream } from './body-limit.js';
import { ChecksumMismatch, ContentTooLarge, type RequestInfo } from './errors.js';
import { mapRequestError } from './error-mapping.js';
import { forgetPartial, partialPaths, rememberPartial } from './partial-download.js';

export interface SavedBody {
  savedTo: string;
  /** Size of the saved file. */
  bytes: number;
  /** sha256 of the saved file, hex; absent with `checksum: false`. */
  sha256?: string;
  /** Bytes that were already on disk from an earlier attempt (resume), when any. */
  resumedFrom?: number;
}

export interface ResumeWrite {
  /** Append to the partial file (the server answered 206 from its end); otherwise start over. */
  append: boolean;
  /** The response's ETag or Last-Modified: without one a partial file could not be resumed safely. */
  validator: string | undefined;
  url: string;
}

export interface SaveToOptions {
  maxBytes?: number | null;
  request: RequestInfo;
  /** Told the byte count as it grows (throttled, see BodyCounter). */
  progress?: ((bytes: number) => void) | undefined;
  resume?: ResumeWrite;
  /** false: no hashing (sha256 stays undefined). Default true. */
  checksum?: boolean;
  /** Lower-case hex: the file is renamed into place only if its sha256 is this. */
  expectedSha256?: string | null;
}

/**
 * The temporary file of a non-resumable save: `.<name>.<pid>-<random>.part`.
 * The writer's pid is in the name because a child process killed mid-download
 * cannot clean up after itself: the coordinator, told which child died, removes
 * that child's leftovers (see session/orphaned-parts.ts).
 */
export function temporaryPathFor(target: string, pid = process.pid): string {
  return join(dirname(target), `.${basename(target)}.${pid}-${randomBytes(6).toString('hex')}.part`);
}

/** Whether `name` (a directory entry beside `target`) is a temporary file that process `pid` made for it. */
export function isTemporaryFileOf(target: string, pid: number, name: string): boolean {
  const prefix = `.${basename(target)}.${pid}-`;
  return name.startsWith(prefix) && /^[0-9a-f]{12}\.part$/.test(name.slice(prefix.length));
}

async function hashExisting(path: string, hash: Hash | undefined): Promise<number> {
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash?.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return bytes;
}

/**
 * Hashes and counts each chunk as it arrives and hands it to the batched writer.
 * On a failed transfer what arrived is still written before the error goes on,
 * so a resumable part file holds every byte received (the retry asks for the rest).
 */
async function streamInto(file: FileHandle, stream: BodyStream, hash: Hash | undefined, counter: BodyCounter, request: RequestInfo): Promise<void> {
  const writer = new BatchedFileWriter(file);
  const chunks = stream[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<Uint8Array>;
    try {
      next = await chunks.next();
    } catch (error) {
      await writer.end().catch(() => undefined);
      // Only failures of the transfer are network errors; a failing disk write keeps its own error.
      throw mapRequestError(error, request, 'body');
    }
    if (next.done) break;
    counter.add(next.value);
    hash?.update(next.value);
    await writer.write(next.value);
  }
  await writer.end();
}

/** Opens `path`, creating its directory only when it is missing (one hop less for every download into an existing one). */
async function openCreatingDirectory(path: string, flags: string): Promise<FileHandle> {
  try {
    return await open(path, flags);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(dirname(path), { recursive: true });
    return open(path, flags);
  }
}

export async function saveBodyTo(stream: BodyStream, target: string, options: SaveToOptions): Promise<SavedBody> {
  const destination = resolve(target);
  const resume = options.resume;
  const keepOnFailure = resume !== undefined && resume.validator !== undefined;
  const temporary = resume ? partialPaths(destination).part : temporaryPathFor(destination);
  const hash = options.checksum === false ? undefined : createHash('sha256');
  const counter = new BodyCounter(options.maxBytes, options.request, options.progress);
  let file: FileHandle | undefined;
  let closed = false;
  let resumedFrom = 0;
  let sha256: string | undefined;
  try {
    if (resume?.append) resumedFrom = await hashExisting(temporary, hash);
    file = await openCreatingDirectory(temporary, resume?.append ? 'a' : resume ? 'w' : 'wx');
    if (resume) {
      if (keepOnFailure) await rememberPartial(destination, { validator: resume.validator!, url: resume.url });
      else await forgetPartial(destination, { keepPart: true });
    }
    await streamInto(file, stream, hash, counter, options.request);
    closed = true;
    await file.close();
    sha256 = hash?.digest('hex');
    checkDigest(sha256, options.expectedSha256, destination, options.request);
    await rename(temporary, destination);
    if (resume) await forgetPartial(destination);
  } catch (error) {
    counter.stop();
    stream.destroy();
    if (file && !closed) await file.close().catch(() => undefined);
    // A resumable part stays for the next attempt, unless it can never succeed (over the cap, wrong bytes).
    if (!keepOnFailure || error instanceof ContentTooLarge || error instanceof ChecksumMismatch) {
      await rm(temporary, { force: true });
      if (resume) await forgetPartial(destination);
    }
    throw error;
  }
  counter.finish();
  const saved: SavedBody = { savedTo: destination, bytes: resumedFrom + counter.bytes };
  if (sha256 !== undefined) saved.sha256 = sha256;
  if (resumedFrom > 0) saved.resumedFrom = resumedFrom;
  return saved;
}

/** Throws ChecksumMismatch unless `actual` is the digest the caller expected (when they gave one). */
export function checkDigest(actual: string | undefined, expected: string | null | undefined, what: string, request: RequestInfo): void {
  if (expected === undefined || expected === null || actual === expected) return;
  throw new ChecksumMismatch(`sha256 of ${what} is ${actual ?? '(not computed)'}, expected ${expected}: ${request.method} ${request.url}`, { request });
}
