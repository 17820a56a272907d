/**
 * A server that only counts: TCP connections accepted and HTTP requests
 * received. A request refused before anything is sent leaves both at zero.
 *
 * `quiesce()` makes a count trustworthy right after a request failed: it
 * opens a connection of its own and resolves once the server has accepted it.
 * Connections are accepted in the order they arrive, so by then any
 * connection the failed request had opened has been counted.
 */
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { listenOnLoopback } from '@requests-futures/testing';

export interface CountingServer {
  readonly url: string;
  readonly port: number;
  readonly connections: number;
  readonly requests: number;
  quiesce(): Promise<void>;
  close(): Promise<void>;
}

export async function startCountingServer(): Promise<CountingServer> {
  let requests = 0;
  /** Remote ports of every connection accepted, probes included. */
  const accepted: number[] = [];
  /** Local ports of quiesce() connections, not counted. */
  const probePorts = new Set<number>();
  const waiting = new Map<number, () => void>();
  const server = createServer((_req, res) => {
    requests += 1;
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end('counted');
  });
  server.on('connection', (socket) => {
    const remotePort = socket.remotePort ?? -1;
    accepted.push(remotePort);
    waiting.get(remotePort)?.();
  });
  const port = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get connections() {
      return accepted.filter((remotePort) => !probePorts.has(remotePort)).length;
    },
    get requests() {
      return requests;
    },
    quiesce: () =>
      new Promise<void>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1');
        socket.once('error', reject);
        // The server may accept before or after this side sees 'connect': handle both orders.
        socket.once('connect', () => {
          const localPort = socket.localPort!;
          probePorts.add(localPort);
          const done = (): void => {
            waiting.delete(localPort);
            socket.destroy();
            resolve();
          };
          if (accepted.includes(localPort)) done();
          else waiting.set(localPort, done);
        });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
