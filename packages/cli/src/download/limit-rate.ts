/**
 * `--limit-rate RATE`: the total body bytes a second of a whole run, as wget,
 * curl and aria2c spell it (util/byte-size.ts; 10M = 10,485,760 bytes a
 * second). It becomes the executor's `maxBytesPerSecond`, so the library and
 * the CLI share one bucket.
 */
import { parseByteSize } from '../util/byte-size.js';

/** "10M" → 10485760; "500k", "1.5M", "250000" (bytes), "10M/s". */
export function parseLimitRate(option: string, value: string): number {
  return parseByteSize(option, value, 'a rate in bytes a second', { perSecond: true });
}
