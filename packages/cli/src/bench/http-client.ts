/**
 * The default load client for https:// URLs (http:// goes through
 * socket-client.ts): node:https with one keep-alive Agent holding a socket
 * per connection. The response is read off the socket
 * and dropped; only the status code is kept. No got, no session, no future:
 * measured on loopback it costs ~45–73 µs of CPU per request against got's
 * ~540 and our FuturesSession's ~1,000 (packages/cli/README.md, rf bench).
 */
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { LoadClient } from './client.js';
import { httpErrorKind, loadTimeoutError } from './http-error-kind.js';
import type { LoadSpec } from './load-spec.js';
import { requestHeaders } from './request-headers.js';

/**
 * Counts the bytes the agent's sockets read, by wrapping the agent's socket
 * factory: nothing per request, one listener per connection.
 */
function countBytesRead(agent: http.Agent): () => number {
  const live = new Set<Socket>();
  let ofClosed = 0;
  const withFactory = agent as unknown as { createConnection: (...args: unknown[]) => Socket };
  const create = withFactory.createConnection;
  withFactory.createConnection = (...args: unknown[]) => {
    const socket = create.apply(agent, args);
    live.add(socket);
    socket.once('close', () => {
      ofClosed += socket.bytesRead;
      live.delete(socket);
    });
    return socket;
  };
  return () => {
    let total = ofClosed;
    for (const socket of live) total += socket.bytesRead;
    return total;
  };
}

export function openHttpClient(spec: LoadSpec): LoadClient {
  const url = new URL(spec.url);
  const secure = url.protocol === 'https:';
  const timeoutMs = Math.max(1, Math.round(spec.timeoutSeconds * 1000));
  const agentOptions = { keepAlive: true, maxSockets: spec.connections, maxFreeSockets: spec.connections, scheduling: 'fifo' as const };
  const agent = secure ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
  const bytesRead = countBytesRead(agent);
  const request = secure ? https.request : http.request;
  // Built once: every request of the run is the same.
  const options: http.RequestOptions = {
    agent,
    protocol: url.protocol,
    hostname: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port === '' ? undefined : Number(url.port),
    path: `${url.pathname}${url.search}`,
    method: spec.method,
    headers: requestHeaders(url, spec),
    // Socket inactivity: no byte for this long while connecting or waiting for the answer.
    timeout: timeoutMs,
  };
  const body = spec.body;

  // Errors raised while a response body was being read: named as requests names a broken body.
  const bodyErrors = new WeakSet<object>();
  const send = () =>
    new Promise<{ statusCode: number }>((resolve, reject) => {
      const req = request(options, (res) => {
        const statusCode = res.statusCode ?? 0;
        res.on('error', (error) => {
          bodyErrors.add(error);
          reject(error);
        });
        res.on('end', () => resolve({ statusCode }));
        // Drained, not kept: a load generator measures, it does not read.
        res.resume();
      });
      req.on('timeout', () => req.destroy(loadTimeoutError(req.socket?.connecting ?? true)));
      req.on('error', reject);
      req.end(body);
    });

  return {
    send,
    errorKind: (error) => httpErrorKind(error, typeof error === 'object' && error !== null && bodyErrors.has(error) ? 'body' : 'request'),
    bytesRead,
    // Destroys every socket, so requests still in flight (cut off at the end of -d) fail now, not at their timeout.
    close: async () => agent.destroy(),
  };
}
