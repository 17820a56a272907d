/** Small helpers shared by the bulk-download tests. */
import { createCipheriv, createHash } from 'node:crypto';
import { watch } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
export { isAlive } from '@requests-futures/testing';

export const MiB = 1024 * 1024;

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export async function sha256OfFile(path: string): Promise<string> {
  return sha256(await readFile(path));
}

export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `rf-bulk-${prefix}-`));
}

export async function removeDir(dir: string | undefined): Promise<void> {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
}

/** Hidden entries: temporary `.part` files and their `.part.json` records. */
export async function hiddenEntries(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.startsWith('.')).sort();
}

/**
 * Deterministic pseudo-random bytes from a native keystream (AES-CTR):
 * testing's seededBytes is a JS loop, slow for MiB-scale files.
 */
export function keystreamBytes(n: number, seed = 1): Buffer {
  const key = Buffer.alloc(16, seed);
  return createCipheriv('aes-128-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(n));
}

/** Distinct deterministic files of the given sizes, named `<prefix>-<i>.bin`. */
export function seededFiles(sizes: readonly number[], prefix = 'file'): Map<string, Uint8Array> {
  return new Map(sizes.map((size, i) => [`${prefix}-${i}.bin`, keystreamBytes(size, i + 1)]));
}

/** The error a promise rejects with; fails the test if it resolves. */
export async function rejectionOf(promise: PromiseLike<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/**
 * Resolves with the name of the first entry of `dir` that matches `name` and
 * holds at least `minBytes`: the event (fs.watch) that tells a test a
 * download really is writing, whichever process runs it.
 */
export async function whenFileGrows(dir: string, name: string | RegExp, minBytes: number): Promise<string> {
  const matches = (entry: string) => (typeof name === 'string' ? entry === name : name.test(entry));
  const check = async (): Promise<string | undefined> => {
    for (const entry of (await readdir(dir)).filter(matches)) {
      const size = await stat(join(dir, entry)).then((s) => s.size, () => -1);
      if (size >= minBytes) return entry;
    }
    return undefined;
  };
  return new Promise<string>((resolve, reject) => {
    let settled = false;
    let looking = false;
    let lookAgain = false;
    const finish = (settle: () => void) => {
      settled = true;
      watcher.close();
      settle();
    };
    // One look at a time; events that arrive during a look ask for another.
    const look = async () => {
      if (settled) return;
      if (looking) {
        lookAgain = true;
        return;
      }
      looking = true;
      try {
        do {
          lookAgain = false;
          const found = await check();
          if (found !== undefined) return finish(() => resolve(found));
        } while (lookAgain && !settled);
      } catch (error) {
        finish(() => reject(error));
      } finally {
        looking = false;
      }
    };
    // Watching starts before the first look, so a write in between is not missed.
    const watcher = watch(dir, () => void look());
    watcher.on('error', (error) => finish(() => reject(error)));
    void look();
  });
}

/** Most intervals open at the same moment (an interval still open counts until the end). */
export function peakOverlap(intervals: ReadonlyArray<{ openedAt: number; closedAt: number | undefined }>): number {
  const edges = intervals.flatMap(({ openedAt, closedAt }) => [
    { at: openedAt, delta: 1 },
    { at: closedAt ?? Infinity, delta: -1 },
  ]);
  // At equal times a close comes first: back-to-back requests do not overlap.
  edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let open = 0;
  let peak = 0;
  for (const edge of edges) peak = Math.max(peak, (open += edge.delta));
  return peak;
}
