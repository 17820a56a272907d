/**
 * Requests in an in-process arm's warm-up (at most a whole measured run): enough
 * to spawn a pool's children, open every socket and let the JIT settle.
 * Measured with 16 in flight on small GETs: got in-process ran 1,760, 2,530,
 * then 3,600 req/s over three 1,000-request runs after a 500-request warm-up,
 * and 3,900 from the first run after a 3,000-request one. A short warm-up
 * mostly measures V8 optimising got, which flatters every ratio to it.
 */
export const WARM_UP_REQUESTS = 2_000;

/** `warmUp`, when a scenario sets it (small GETs warm up fully even in a quick run), else at most a whole run. */
export function warmUpCount(total: number, warmUp?: number): number {
  return warmUp ?? Math.min(total, WARM_UP_REQUESTS);
}
