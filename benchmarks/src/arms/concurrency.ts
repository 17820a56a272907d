/**
 * Runs `total` jobs with at most `concurrency` in flight: the way a client
 * library (got, undici) is driven when it has no executor of its own.
 */
export async function runWithConcurrency(
  total: number,
  concurrency: number,
  job: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < total) {
      const index = next++;
      await job(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, lane));
}
