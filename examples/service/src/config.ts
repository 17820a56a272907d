/**
 * The service's settings, from the environment (cluster workers inherit it
 * from the primary, so both read the same values). A wrong value stops the
 * service at start with a ConfigError naming the variable.
 */

export interface ServiceConfig {
  host: string;
  /** 0: any free port (the cluster's workers share the one the first worker got). */
  port: number;
  /** node:cluster workers. */
  workers: number;
  /** Child processes of each worker's ProcessPoolExecutor. */
  poolProcesses: number;
  /** Requests each of those children runs at once. */
  poolConcurrency: number;
  /** Seconds running fetches get to finish after SIGTERM before they are aborted. */
  drainDeadline: number;
  /** Seconds after that deadline that aborted fetches get to let go before the pool's children are killed. */
  drainGrace: number;
  /** Seconds per fetched URL (connect and read). */
  requestTimeout: number;
  /** URLs one POST /fetch may carry. */
  maxUrls: number;
  /** Bytes one fetched body may have (after decompression). */
  maxResponseBytes: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(readonly variable: string, message: string) {
    super(`${variable}: ${message}`);
  }
}

type Env = Record<string, string | undefined>;

export function readConfig(env: Env = process.env): ServiceConfig {
  return {
    host: env.RF_SERVICE_HOST ?? '127.0.0.1',
    port: integer(env, 'RF_SERVICE_PORT', 8080, 0, 65535),
    workers: integer(env, 'RF_SERVICE_WORKERS', 2, 1, 64),
    poolProcesses: integer(env, 'RF_SERVICE_POOL_PROCESSES', 1, 1, 64),
    poolConcurrency: integer(env, 'RF_SERVICE_POOL_CONCURRENCY', 8, 1, 1024),
    drainDeadline: seconds(env, 'RF_SERVICE_DRAIN_DEADLINE', 10),
    drainGrace: seconds(env, 'RF_SERVICE_DRAIN_GRACE', 5),
    requestTimeout: seconds(env, 'RF_SERVICE_REQUEST_TIMEOUT', 30),
    maxUrls: integer(env, 'RF_SERVICE_MAX_URLS', 1000, 1, 1_000_000),
    maxResponseBytes: integer(env, 'RF_SERVICE_MAX_RESPONSE_BYTES', 10 * 1024 * 1024, 1, Number.MAX_SAFE_INTEGER),
  };
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `must be an integer from ${min} to ${max}; got ${JSON.stringify(raw)}`);
  }
  return value;
}

function seconds(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new ConfigError(name, `must be a non-negative number of seconds; got ${JSON.stringify(raw)}`);
  return value;
}
