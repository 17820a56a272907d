/**
 * Requests in an in-process arm's warm-up: enough to spawn a pool's children,
 * open every socket and let the JIT settle; more would only lengthen the run.
 */
export const WARM_UP_REQUESTS = 500;

export function warmUpCount(total: number): number {
  return Math.min(total, WARM_UP_REQUESTS);
}
