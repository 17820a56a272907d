/**
 * Which engine `rf download` runs when `--processes` is not given: a pool of
 * child processes only where it can be faster than this one process.
 *
 * Measured on 2 cores (benchmarks, scenarios cli-4m / cli-256m / cli-4k):
 * in-process beat `--processes 2` on every set, because the coordinator,
 * which reads the list, writes the manifest and relays every result, needs a
 * core of its own, and two children plus the coordinator share two. So a pool
 * needs at least 4 cores; it also needs enough concurrent downloads to give
 * each child several (-j 8 or more), and a list long enough to pay for the
 * children's start-up (about 0.1 s each): 64 entries or more, judged from the
 * list file's size (stdin counts as long). Then one child per 8 downloads, at
 * most one per core but one (the coordinator's).
 */
export const MIN_CORES_FOR_POOL = 4;
export const MIN_JOBS_FOR_POOL = 8;
export const JOBS_PER_CHILD = 8;
export const MIN_ENTRIES_FOR_POOL = 64;
/** A list line is a URL, perhaps with a name: 80 bytes is a short one. */
const BYTES_PER_ENTRY = 80;

export interface EngineChoiceInput {
  /** --processes as given; 0 forces in-process. */
  processes?: number;
  jobs: number;
  cores: number;
  /** Size of the list file; undefined for stdin. */
  listBytes?: number;
}

/** Number of child processes to run the downloads in; 0 = in this process. */
export function chooseProcesses(input: EngineChoiceInput): number {
  if (input.processes !== undefined) return input.processes;
  if (input.cores < MIN_CORES_FOR_POOL || input.jobs < MIN_JOBS_FOR_POOL) return 0;
  if (input.listBytes !== undefined && input.listBytes < MIN_ENTRIES_FOR_POOL * BYTES_PER_ENTRY) return 0;
  return Math.max(1, Math.min(input.cores - 1, Math.floor(input.jobs / JOBS_PER_CHILD)));
}
