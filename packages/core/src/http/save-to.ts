/**
 * `saveTo`: the body streamed to disk where the request runs, never held in
 * memory (at most two 1 MiB write batches per download, see
 * batched-file-writer.ts; a body whole within its first 64 KiB is written in
 * one go, see small-body.ts). It is written to a hidden temporary file beside the
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
 * (see partial-download.ts); one writer at a time owns the part (part-claim.ts).
 *
 * Nothing is renamed into place before its length is checked against what the
 * server declared (a short body is IncompleteDownload) and its digest against
 * `expectedSha256`. The engine's files are opened with O_NOFOLLOW and created
 * anew (O_EXCL), so a symlink or hard link planted at their names is never
 * written through; a symlink at the target is replaced by the rename. The
 * target's directory is made only now, when a 2xx body is about to be
 * written, and removed again if this download made it and failed
 * (save-within.ts).
 */
import { constants } from 'node:fs';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ByteBudget } from '../task-context.js';
import { BatchedFileWriter } from './batched-file-writer.js';
import { bulkTransferGc } from './bulk-transfer-gc.js';
import { createBodyHasher } from './body-hasher.js';
import { BodyCounter, type BodyStream } from './body-limit.js';
import { pumpBodyInto } from './body-pump.js';
import { BodyThrottle } from './body-throttle.js';
import { incompleteDownload } from './content-range.js';
import { ChecksumMismatch, ContentTooLarge, PartFileBusy, UnsafePath, type RequestInfo } from './errors.js';
import { temporaryPathFor } from './engine-files.js';
import { CREATE_NEW, hashOpenFile, openOwnFile, type ChunkHasher } from './no-follow.js';
import type { PartClaim } from './part-claim.js';
import { forgetPartial, partialPaths, rememberPartial } from './partial-download.js';
import { checkOpenedWithin, prepareDirectory, removeCreatedDirectories, type CreatedDirectories } from './save-within.js';
import { joinChunks, readBodyStart, saveWhole, sha256Hex, SMALL_BODY_BYTES } from './small-body.js';

/** A resumed part is read (to hash what it holds) and appended to, through one handle that follows no symlink. */
const APPEND_AND_READ = constants.O_RDWR | constants.O_APPEND | constants.O_NOFOLLOW;

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
  /** What the headers declared (see DeclaredLength); nothing is checked when absent (the caller asked for a slice). */
  declared?: DeclaredLength;
  /** The directory the target must stay inside (save-within.ts). */
  within?: string | null;
  /** With `within`: the target's directory was walked and found in place before the request was sent. */
  directoryWalked?: boolean;
  /** With resume: the part file's claim, taken here if the directory did not exist before. */
  claim?: PartClaim;
  /** maxBytesPerSecond: every chunk is paid for, and the stream paused while the budget is in debt. */
  budget?: ByteBudget | undefined;
}

/** What a download's headers declared its file must hold once the body ends; checked before the rename. */
export interface DeclaredLength {
  /** The file's size when this body ends: Content-Length (identity encoding), or Content-Range end + 1. */
  end?: number | undefined;
  /** The resource's size (Content-Range total, or Content-Length of a 200): the file is complete only at this size. */
  total?: number | undefined;
}

interface Output {
  file: FileHandle;
  path: string;
  /** Bytes already in a resumed part file. */
  resumedFrom: number;
}

/**
 * The file the body goes into: a resumed part (appended to, its bytes hashed
 * first), a fresh part (whatever had its name removed first, so a planted
 * symlink or hard link is never written through), or a unique temporary.
 * Never through a symlink (O_NOFOLLOW), always a new inode unless resuming.
 */
async function openOutput(destination: string, resume: ResumeWrite | undefined, hash: ChunkHasher | undefined, request: RequestInfo): Promise<Output> {
  if (!resume) {
    const path = temporaryPathFor(destination);
    return { file: await open(path, CREATE_NEW, 0o644), path, resumedFrom: 0 };
  }
  const path = partialPaths(destination).part;
  if (!resume.append) {
    await rm(path, { force: true });
    return { file: await open(path, CREATE_NEW, 0o644), path, resumedFrom: 0 };
  }
  const opened = await openOwnFile(path, APPEND_AND_READ);
  if (opened === null) throw new UnsafePath(`${path} is not a plain file of its own (a symlink or a hard link): not resumed`, { request });
  try {
    return { file: opened.file, path, resumedFrom: await hashOpenFile(opened.file, hash) };
  } catch (error) {
    await opened.file.close();
    throw error;
  }
}

/** openOutput, refusing a file that was opened outside saveWithin: closed, and removed if this open made it (not another's part). */
async function openOutputWithin(destination: string, options: SaveToOptions, hash: ChunkHasher | undefined): Promise<Output> {
  const output = await openOutput(destination, options.resume, hash, options.request);
  try {
    checkOpenedWithin(output.file.fd, destination, options.within, options.request);
    return output;
  } catch (error) {
    await output.file.close();
    if (options.resume?.append !== true) await rm(output.path, { force: true });
    throw error;
  }
}

/** The directory may vanish between being made and the open (a concurrent failed download removes the ones it made): make it again. */
async function openInDirectory(destination: string, options: SaveToOptions, hash: ChunkHasher | undefined, created: CreatedDirectories): Promise<Output> {
  for (let attempt = 0; ; attempt++) {
    created.push(...(await prepareDirectory(destination, options.within, options.request, attempt === 0 && options.directoryWalked === true)));
    try {
      await options.claim?.claim();
      return await openOutputWithin(destination, options, hash);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt === 2) throw error;
    }
  }
}

/** The file must hold exactly what the server declared: fewer bytes is IncompleteDownload (retryable, a part keeps them). */
function checkLength(size: number, declared: DeclaredLength | undefined, request: RequestInfo): void {
  if (declared?.end !== undefined && size > declared.end) {
    throw new ContentTooLarge(`Received ${size} bytes, more than the ${declared.end} the server declared: ${request.method} ${request.url}`, { request });
  }
  if (declared?.end !== undefined && size < declared.end) throw incompleteDownload(size, declared.end, request);
  if (declared?.total !== undefined && size < declared.total) throw incompleteDownload(size, declared.total, request);
}

export async function saveBodyTo(stream: BodyStream, target: string, options: SaveToOptions): Promise<SavedBody> {
  const destination = resolve(target);
  const counter = new BodyCounter(options.maxBytes, options.request, options.progress);
  const throttle = options.budget ? new BodyThrottle(stream, options.budget) : undefined;
  let received: Uint8Array[] = [];
  if (!options.resume || declaredWithinOneGo(options)) {
    try {
      // A body that ends within its first 64 KiB takes the short path (small-body.ts).
      const start = await readBodyStart(stream, SMALL_BODY_BYTES, counter, options.request, throttle);
      if (start.ended) {
        // Not `await throttle?.paid()`: awaiting undefined still costs a promise and a turn per file.
        if (throttle) await throttle.paid();
        const saved = await saveSmallBody(start.chunks, destination, counter, options);
        // A part of another version that this request claimed is obsolete now.
        if (options.claim?.held) await forgetPartial(destination);
        return saved;
      }
      received = start.chunks;
    } catch (error) {
      counter.stop();
      stream.destroy();
      throw error;
    }
  }
  return saveStreamedBody(stream, destination, counter, options, received, throttle);
}

/**
 * Under resume, a fresh body the server declared no longer than the one-go
 * size is saved as without resume: a part is never written for it (a break
 * costs at most 64 KiB fetched again), nor claimed, nor recorded. Any other
 * goes to the part as it arrives, so that a break keeps every byte received.
 */
function declaredWithinOneGo(options: SaveToOptions): boolean {
  const end = options.declared?.end;
  return options.resume?.append !== true && end !== undefined && end <= SMALL_BODY_BYTES;
}

/** A whole body in memory: checked and hashed before anything is written, then written in one go. */
async function saveSmallBody(chunks: Uint8Array[], destination: string, counter: BodyCounter, options: SaveToOptions): Promise<SavedBody> {
  const size = counter.bytes;
  checkLength(size, options.declared, options.request);
  const body = joinChunks(chunks, size);
  const sha256 = options.checksum === false ? undefined : sha256Hex(body);
  checkDigest(sha256, options.expectedSha256, destination, options.request);
  const created: CreatedDirectories = [];
  const checkOpened = options.within ? (fd: number) => checkOpenedWithin(fd, destination, options.within, options.request) : undefined;
  try {
    for (let attempt = 0; ; attempt++) {
      // Without saveWithin there is nothing to check on the way: the directory is made only if the file cannot be (one hop less a file).
      // Nor when it was walked before the request was sent (prepareDirectory would return at once, for a promise and a turn).
      const walked = attempt === 0 && options.directoryWalked === true;
      if (attempt > 0 || (options.within !== undefined && options.within !== null && !walked)) {
        created.push(...(await prepareDirectory(destination, options.within, options.request, walked)));
      }
      try {
        await saveWhole(body, temporaryPathFor(destination), destination, checkOpened);
        break;
      } catch (error) {
        // Missing, or vanished before the open (a concurrent failed download removes the ones it made): make it (again).
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt === 3) throw error;
      }
    }
  } catch (error) {
    await removeCreatedDirectories(created);
    throw error;
  }
  counter.finish();
  const saved: SavedBody = { savedTo: destination, bytes: size };
  if (sha256 !== undefined) saved.sha256 = sha256;
  return saved;
}

/**
 * A body streamed through a file (under the bulk-transfer heap policy,
 * bulk-transfer-gc.ts), hashed as it arrives or on the hasher
 * thread (body-hasher.ts); `received` arrived before the file was opened.
 */
async function saveStreamedBody(
  stream: BodyStream,
  destination: string,
  counter: BodyCounter,
  options: SaveToOptions,
  received: Uint8Array[],
  throttle: BodyThrottle | undefined,
): Promise<SavedBody> {
  const resume = options.resume;
  const keepOnFailure = resume !== undefined && resume.validator !== undefined;
  const hasher = options.checksum === false ? undefined : createBodyHasher();
  const created: CreatedDirectories = [];
  let output: Output | undefined;
  let closed = false;
  let sha256: string | undefined;
  let size = 0;
  const releaseGcPolicy = bulkTransferGc.hold();
  try {
    output = await openInDirectory(destination, options, hasher?.existing, created);
    if (resume) {
      if (keepOnFailure) await rememberPartial(destination, { validator: resume.validator!, url: resume.url, ...(options.declared?.total !== undefined ? { total: options.declared.total } : {}) });
      else await forgetPartial(destination, { keepPart: true });
    }
    const writer = new BatchedFileWriter(output.file, hasher?.onWritten ? { onWritten: hasher.onWritten } : {});
    await pumpBodyInto(stream, writer, counter, options.request, { received, onChunk: hasher?.onChunk, throttle });
    if (throttle) await throttle.paid();
    size = output.resumedFrom + counter.bytes;
    if (resume) await checkOnlyWriter(output, size, destination, options);
    closed = true;
    await output.file.close();
    checkLength(size, options.declared, options.request);
    sha256 = await hasher?.digest();
    checkDigest(sha256, options.expectedSha256, destination, options.request);
    // Last, as close to the rename as it can be: a writer whose claim was taken over while it was frozen puts nothing in place.
    await options.claim?.confirmHeld();
    await rename(output.path, destination);
    if (resume) await forgetPartial(destination);
  } catch (error) {
    hasher?.cancel();
    counter.stop();
    stream.destroy();
    if (output && !closed) await output.file.close().catch(() => undefined);
    // A resumable part stays for the next attempt (a short body included), unless its bytes can never make the file.
    const keepPart = keepOnFailure && output !== undefined && !partCanNeverComplete(error);
    if (!keepPart) {
      if (output) await rm(output.path, { force: true });
      if (resume && output) await forgetPartial(destination);
      await options.claim?.release();
      await removeCreatedDirectories(created);
    }
    throw error;
  } finally {
    releaseGcPolicy();
  }
  counter.finish();
  const saved: SavedBody = { savedTo: destination, bytes: size };
  if (sha256 !== undefined) saved.sha256 = sha256;
  if (output.resumedFrom > 0) saved.resumedFrom = output.resumedFrom;
  return saved;
}

/**
 * A part file is appended to (O_APPEND): a second writer (one whose claim went
 * stale while it was frozen) interleaves its bytes with this writer's, and what
 * this writer counted and hashed is no longer what the file holds. Such a part
 * can never make the file: dropped while this writer still holds the claim (its
 * taker, finding the same, drops it otherwise), and PartFileBusy.
 */
async function checkOnlyWriter(output: Output, size: number, destination: string, options: SaveToOptions): Promise<void> {
  const onDisk = (await output.file.stat()).size;
  if (onDisk === size) return;
  const stillOurs = await options.claim?.confirmHeld().then(() => true, () => false);
  if (stillOurs) {
    await output.file.close();
    await forgetPartial(destination); // the part (output.path) and its record
  }
  throw new PartFileBusy(
    `${output.path} holds ${onDisk} bytes where this writer wrote ${size}: another writer wrote into it, so it is not put in place${stillOurs ? ' and the part is dropped' : ''}: ${options.request.method} ${options.request.url}`,
    { request: options.request },
  );
}

/** Errors after which a part file's bytes are known wrong or unusable: it is removed even with resume. */
function partCanNeverComplete(error: unknown): boolean {
  return error instanceof ContentTooLarge || error instanceof ChecksumMismatch || error instanceof UnsafePath;
}

/** Throws ChecksumMismatch unless `actual` is the digest the caller expected (when they gave one). */
export function checkDigest(actual: string | undefined, expected: string | null | undefined, what: string, request: RequestInfo): void {
  if (expected === undefined || expected === null || actual === expected) return;
  throw new ChecksumMismatch(`sha256 of ${what} is ${actual ?? '(not computed)'}, expected ${expected}: ${request.method} ${request.url}`, { request });
}
