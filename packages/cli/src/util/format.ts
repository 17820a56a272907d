/** Human-readable numbers for terminal output (decimal units, as network tools print them). */

const BYTE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${BYTE_UNITS[unit]}`;
}

/** Megabytes (10^6) per second; 0 when no time has passed. */
export function megabytesPerSecond(bytes: number, elapsedMs: number): number {
  return elapsedMs > 0 ? bytes / 1e6 / (elapsedMs / 1000) : 0;
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = Math.round(seconds - minutes * 60);
  if (minutes < 60) return `${minutes}m${String(rest).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** "ConnectionError: connect ECONNREFUSED 127.0.0.1:1", the form failures are listed in. */
export function describeError(error: unknown): string {
  return `${errorClassName(error)}: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * The class an error belongs to. A subclass that forgot to set `name` still
 * reports its constructor's name, which is what a user would grep for.
 */
export function errorClassName(error: unknown): string {
  if (error === null || typeof error !== 'object') return typeof error;
  const ctor = (error as { constructor?: { name?: unknown } }).constructor?.name;
  const name = (error as { name?: unknown }).name;
  if (typeof ctor === 'string' && ctor !== '' && ctor !== 'Object' && ctor !== 'Error') return ctor;
  return typeof name === 'string' && name !== '' ? name : 'Error';
}
