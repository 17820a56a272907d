/**
 * Option values from the command line. Each parser throws UsageError naming
 * the option and the bad value, which the entry point turns into exit code 2.
 */
import { UsageError } from '../errors.js';

export function parsePositiveInteger(option: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`${option} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return n;
}

export function parseNonNegativeInteger(option: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw new UsageError(`${option} must be a non-negative integer, got ${JSON.stringify(value)}`);
  }
  return n;
}

export function parsePositiveSeconds(option: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new UsageError(`${option} must be a positive number of seconds, got ${JSON.stringify(value)}`);
  }
  return n;
}

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "10" (seconds), "10s", "500ms", "2m", "1h" → milliseconds. */
export function parseDurationMs(option: string, value: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(value);
  const ms = match ? Number(match[1]) * DURATION_UNITS_MS[match[2] ?? 's'] : NaN;
  if (!(ms > 0)) {
    throw new UsageError(`${option} must be a duration such as 10, 10s, 500ms or 2m, got ${JSON.stringify(value)}`);
  }
  return ms;
}

/** "Name: value" → [name, value], as curl's -H takes it. */
export function parseHeader(value: string): [string, string] {
  const colon = value.indexOf(':');
  const name = colon === -1 ? '' : value.slice(0, colon).trim();
  if (name === '' || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) {
    throw new UsageError(`-H must look like "Name: value", got ${JSON.stringify(value)}`);
  }
  return [name, value.slice(colon + 1).trim()];
}
