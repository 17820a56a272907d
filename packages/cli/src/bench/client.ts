/**
 * What the closed loop needs from an HTTP client: send the configured request
 * once, name a failure's kind, and release the connections at the end.
 */
import type { LoadClientKind, LoadSpec } from './load-spec.js';
import type { NamedTally } from './named-requests.js';

/**
 * Sends one request (a scenario: runs iteration `ticket`, the loop's count of
 * what it started); resolves with the response's status (any status; 'ok'
 * for a scenario iteration that completed) or rejects with the error.
 */
export type SendRequest = (ticket: number) => PromiseLike<{ statusCode: number | string }>;

export interface LoadClient {
  send: SendRequest;
  /** The name a failure is counted under in the report ("ConnectionError", "ReadTimeout"...). */
  errorKind(error: unknown): string;
  /** Bytes read from the network so far, headers included (absent: not counted). */
  bytesRead?(): number;
  /** Releases the connections and aborts requests still in flight. */
  close(): Promise<void>;
  /** A scenario's per-name counting: from the end of the warm-up, for `durationMs` at most (-d)... */
  startCounting?(durationMs?: number): void;
  /** ...to the end of the run (requests settling later are cut off). */
  stopCounting?(): void;
  /** A scenario's requests by name. */
  named?(): Record<string, NamedTally>;
}

/**
 * Loaded lazily: the default client must not pay for importing got and the
 * session layer, and the session client must not pay for the plain one.
 */
export async function openLoadClient(spec: LoadSpec): Promise<LoadClient> {
  if (spec.scenario) return (await import('./scenario-client.js')).openScenarioClient(spec, spec.scenario);
  const kind: LoadClientKind = spec.client;
  switch (kind) {
    case 'http':
      // Raw keep-alive sockets for plain HTTP; TLS stays with node:http.
      return new URL(spec.url).protocol === 'http:'
        ? (await import('./socket-client.js')).openSocketClient(spec)
        : (await import('./http-client.js')).openHttpClient(spec);
    case 'session':
      return (await import('./session-client.js')).openSessionClient(spec);
    default:
      throw new TypeError(`unknown load client ${JSON.stringify(kind as string)}`);
  }
}
