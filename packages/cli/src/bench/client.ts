/**
 * What the closed loop needs from an HTTP client: send the configured request
 * once, name a failure's kind, and release the connections at the end.
 */
import type { LoadClientKind, LoadSpec } from './load-spec.js';

/** Sends one request; resolves with the response's status (any status) or rejects with the request's error. */
export type SendRequest = () => PromiseLike<{ statusCode: number }>;

export interface LoadClient {
  send: SendRequest;
  /** The name a failure is counted under in the report ("ConnectionError", "ReadTimeout"...). */
  errorKind(error: unknown): string;
  /** Bytes read from the network so far, headers included (absent: not counted). */
  bytesRead?(): number;
  /** Releases the connections and aborts requests still in flight. */
  close(): Promise<void>;
}

/**
 * Loaded lazily: the default client must not pay for importing got and the
 * session layer, and the session client must not pay for the plain one.
 */
export async function openLoadClient(spec: LoadSpec): Promise<LoadClient> {
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
