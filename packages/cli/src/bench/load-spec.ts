/** What one load generator (in this process or in a child) is asked to do. Plain data: it crosses processes. */
export interface LoadSpec {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** Requests in flight at once (closed loop: each connection sends its next request when the last answered). */
  connections: number;
  /** Stop after this many requests in all... */
  requests?: number;
  /** ...or run this long (requests still in flight at the end are cut off). Exactly one of the two is set. */
  durationMs?: number;
  /** Constant-rate mode: this many requests per second (this generator's share), latency from each one's due time. */
  rate?: number;
  /** Load sent first for this long and not counted (connections opened, JIT warm). */
  warmupMs?: number;
  /** Per-request timeout, seconds, so one stuck request cannot stall a timed run. */
  timeoutSeconds: number;
  /** Which client sends the requests (client.ts); unused with a scenario. */
  client: LoadClientKind;
  /** `--script`: each unit of load is an iteration of this scenario instead of one request to `url`. */
  scenario?: ScenarioSpec;
}

export interface ScenarioSpec {
  /** The module's file: URL (each pool child imports it). */
  moduleUrl: string;
  /** The URL given on the command line, passed to every iteration. */
  target?: string;
  /**
   * Iteration numbers are offset + ticket × stride: unique over all
   * processes (child i of N numbers i, i + N, i + 2N...), 0..n-1 under -n.
   */
  iterationOffset: number;
  iterationStride: number;
}

/**
 * 'http', the default: for http:// URLs raw keep-alive sockets with the
 * request serialized once and answers parsed by http-parser-js
 * (socket-client.ts); for https:// node:http with a keep-alive Agent
 * (http-client.ts).
 * 'session': every request goes through FuturesSession, to measure
 * requests-futures itself.
 */
export type LoadClientKind = 'http' | 'session';

export const LOAD_CLIENT_KINDS: readonly LoadClientKind[] = ['http', 'session'];
