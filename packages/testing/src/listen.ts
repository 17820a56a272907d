/** Starts a test server on 127.0.0.1 (never another address: tests stay on this machine). */
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';

/** Listens on a free loopback port; resolves with the port, rejects with the listen error. */
export async function listenOnLoopback(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** A loopback port nothing listens on (it was just free): connecting to it is refused. */
export async function closedLoopbackPort(): Promise<number> {
  const server = createServer();
  const port = await listenOnLoopback(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
