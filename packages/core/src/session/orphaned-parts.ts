/**
 * A child process killed in the middle of a `saveTo` download leaves its
 * temporary file behind (it cannot run its own clean-up). The process pool
 * tells us which child died, before the request's future fails; this removes
 * that child's temporary files for the request's target, so a failed download
 * leaves nothing but what can be resumed (`resume: true` keeps `.<name>.part`
 * on purpose, with its record, for the next attempt).
 */
import { dirname, join, resolve } from 'node:path';
import type { Executor } from '../executors/executor.js';
import type { TaskLostListener } from '../executors/task-lost-listeners.js';
import type { Future } from '../futures/future.js';
import type { RequestSpec } from '../http/request-spec.js';

/**
 * Removes the temporary files that process `pid` was writing for `target`.
 * Its modules load here, on a lost save, not with every session.
 */
export async function removeTemporaryFilesOf(target: string, pid: number): Promise<void> {
  const [{ readdir, rm }, { isTemporaryFileOf }] = await Promise.all([import('node:fs/promises'), import('../http/engine-files.js')]);
  const destination = resolve(target);
  const directory = dirname(destination);
  let names: string[];
  try {
    names = await readdir(directory);
  } catch {
    return; // No directory: the child never got as far as writing.
  }
  await Promise.all(
    names.filter((name) => isTemporaryFileOf(destination, pid, name)).map((name) => rm(join(directory, name), { force: true })),
  );
}

export class OrphanedPartSweeper {
  /** Targets of non-resumable saves in flight in a child, by the future that runs them. */
  private readonly targets = new Map<Future<unknown>, string>();
  /** The executor's onTaskLost, if its tasks run in processes that can die mid-write. */
  private readonly onTaskLost: ((listener: TaskLostListener) => () => void) | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(executor: Executor) {
    if (executor.crossesProcesses) this.onTaskLost = executor.onTaskLost?.bind(executor);
  }

  /** Remembers `future`'s target until it settles, if a dead child could orphan a file for it. */
  track(future: Future<unknown>, spec: RequestSpec): void {
    if (this.onTaskLost === undefined || !spec.saveTo || spec.resume) return;
    // Subscribed on the first save only: a session that never saves adds nothing to a shared executor.
    this.unsubscribe ??= this.onTaskLost(async (lost, error) => {
      const target = this.targets.get(lost);
      if (target !== undefined && error.pid !== undefined) await removeTemporaryFilesOf(target, error.pid);
    });
    this.targets.set(future, spec.saveTo);
    future.addDoneCallback(() => this.targets.delete(future));
  }

  dispose(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.targets.clear();
  }
}
