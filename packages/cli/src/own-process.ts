/**
 * Whether this process runs nothing but rf (the `rf` executable), or rf runs
 * inside someone else's process (runCli from a test or a service). Settings
 * that belong to the whole process, such as V8's heap policy, are rf's to
 * choose only in the first case.
 */
import { setFlagsFromString } from 'node:v8';

let owned = false;

/**
 * Called by the `rf` executable before it loads anything else. From here on
 * V8's young generation keeps the size it has: V8 doubles its semi-spaces
 * whenever many objects survive a scavenge, up to 16 MiB each, and a
 * download's per-request objects do survive one, so a run of small files ended
 * with 32 MiB of new space, both semi-spaces touched. With a growth factor of
 * 1 set before the engine loads it stays at 4-8 MiB (set once the engine had
 * loaded, it had already grown to 32). Measured on a loaded 2-core machine,
 * rf download from nginx: 5,000 x 4 KiB peak RSS 125 -> 98-101 MiB, 64 x 4
 * MiB 162 -> 134 MiB, user CPU within noise. A `--max-semi-space-size` or
 * `--semi-space-growth-factor` given to node is left alone.
 */
export function claimProcess(): void {
  owned = true;
  const userChoseYoungGeneration = process.execArgv.some((flag) => flag.startsWith('--max-semi-space-size') || flag.startsWith('--semi-space-growth-factor'));
  if (userChoseYoungGeneration) return;
  keepYoungGenerationSize();
  // V8 raises the factor back to 2 whenever it sets up a new isolate's heap,
  // so a worker thread (the hasher) would undo it: set it again once the thread runs.
  process.on('worker', (worker) => worker.once('online', keepYoungGenerationSize));
}

function keepYoungGenerationSize(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}

export function ownsProcess(): boolean {
  return owned;
}
