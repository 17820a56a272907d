/**
 * The size of libuv's thread pool for the `rf` executable. libuv starts its
 * pool, UV_THREADPOOL_SIZE threads (4 unless set), on the first file
 * operation: Node's ESM loader makes one while it reads the entry module, so
 * the variable must be set by a CommonJS launcher that runs before any ESM
 * (launch.cts), and this module stays CommonJS for that launcher to load.
 *
 * Why fewer than 4 on a small machine: every small file a download saves costs
 * four pool jobs (open, write, close, rename), and each job handed to a
 * sleeping pool thread wakes it. With 4 pool threads, the main thread (which
 * parses HTTP and runs the engine) and the server sharing 2 cores, those
 * wake-ups preempt the main thread: rf download of 5,000 x 4 KiB from nginx
 * took 5.2-6.0 s with 4 threads and 4.6-4.8 s with 1 (7.0-7.8 s of CPU against
 * 6.5-6.7), while 64 x 4 MiB and 4 x 256 MiB stayed within noise. The main
 * thread keeps one core; the pool gets the others, never more than libuv's 4.
 */
import os = require('node:os');

const LIBUV_DEFAULT_THREADS = 4;

/** One core for the main thread, the rest for the pool: at least 1, at most libuv's default of 4. */
function threadPoolSizeFor(cores: number): number {
  return Math.max(1, Math.min(LIBUV_DEFAULT_THREADS, Math.floor(cores) - 1));
}

/**
 * Sets UV_THREADPOOL_SIZE for this process (and the children it starts, which
 * inherit it) unless the user set it, in which case theirs is kept, even an
 * empty one. Returns the value in effect.
 */
function claimThreadPool(env: NodeJS.ProcessEnv = process.env, cores: number = os.availableParallelism()): string {
  if (env.UV_THREADPOOL_SIZE === undefined) env.UV_THREADPOOL_SIZE = String(threadPoolSizeFor(cores));
  return env.UV_THREADPOOL_SIZE;
}

export = { threadPoolSizeFor, claimThreadPool };
