import { createServer, connect } from 'node:net';

/** A port the kernel just handed out on 127.0.0.1 (for servers that need it up front, like nginx). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on the port; retries until the deadline. */
export async function waitForPort(port: number, deadlineMs: number, isAlive: () => boolean): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (!isAlive()) throw new Error(`the process exited before listening on port ${port}`);
    if (Date.now() > deadline) throw new Error(`nothing listening on port ${port} after ${deadlineMs} ms`);
    // Connection refused comes back at once; a short pause keeps this from spinning a core.
    await new Promise((r) => setTimeout(r, 25));
  }
}
