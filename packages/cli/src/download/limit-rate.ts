/**
 * `--limit-rate RATE`: the total body bytes a second of a whole run, as wget,
 * curl and aria2c spell it: a number of bytes with an optional suffix k, M or
 * G in powers of 1024 (10M = 10,485,760 bytes a second). It becomes the
 * executor's `maxBytesPerSecond`, so the library and the CLI share one bucket.
 */
import { UsageError } from '../errors.js';

const MULTIPLIERS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** "10M" → 10485760; "500k", "1.5M", "250000" (bytes). */
export function parseLimitRate(option: string, value: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?(?:\/s)?\s*$/i.exec(value);
  const bytes = match ? Math.round(Number(match[1]) * MULTIPLIERS[match[2]!.toLowerCase()]!) : NaN;
  if (!(bytes >= 1) || !Number.isSafeInteger(bytes)) {
    throw new UsageError(`${option} must be a rate in bytes a second such as 500k, 10M or 250000 (k, M, G: powers of 1024), got ${JSON.stringify(value)}`);
  }
  return bytes;
}
