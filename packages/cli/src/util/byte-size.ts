/**
 * A number of bytes as wget, curl and aria2c spell it on their command lines:
 * digits with an optional suffix k, M or G in powers of 1024 (10M =
 * 10,485,760), a trailing B or iB allowed, and `/s` where the amount is a rate.
 */
import { UsageError } from '../errors.js';

const MULTIPLIERS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** "10M" → 10485760; "500k", "1.5M", "250000"; `what` names the amount in the usage error ("a rate in bytes a second"). */
export function parseByteSize(option: string, value: string, what: string, { perSecond = false } = {}): number {
  const pattern = perSecond ? /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?(?:\/s)?\s*$/i : /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?\s*$/i;
  const match = pattern.exec(value);
  const bytes = match ? Math.round(Number(match[1]) * MULTIPLIERS[match[2]!.toLowerCase()]!) : NaN;
  if (!(bytes >= 1) || !Number.isSafeInteger(bytes)) {
    throw new UsageError(`${option} must be ${what} such as 500k, 10M or 250000 (k, M, G: powers of 1024), got ${JSON.stringify(value)}`);
  }
  return bytes;
}
