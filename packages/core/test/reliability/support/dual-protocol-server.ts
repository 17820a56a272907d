/**
 * http:// and https:// on ONE port of 127.0.0.1: the first byte of a
 * connection says which (a TLS handshake starts with 0x16). So a redirect can
 * change only the scheme, same host and port, which is how a test proves that
 * an https → http downgrade alone strips credentials.
 *
 * Routes: /to?url=<target> (302 to it), /set-cookies (a Secure and a plain
 * cookie), anything else echoes { scheme, headers }.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';

const TLS_HANDSHAKE = 0x16;

export interface DualProtocolServer {
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly httpUrl: string;
  /** `https://127.0.0.1:<port>` */
  readonly httpsUrl: string;
  close(): Promise<void>;
}

export interface EchoBody {
  scheme: 'http' | 'https';
  headers: Record<string, string | undefined>;
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (url.pathname === '/to') {
    res.writeHead(302, { Location: url.searchParams.get('url') ?? '/' });
    res.end();
    return;
  }
  if (url.pathname === '/set-cookies') {
    res.writeHead(200, { 'Set-Cookie': ['sec=1; Secure; Path=/', 'plain=1; Path=/'] });
    res.end();
    return;
  }
  const body: EchoBody = {
    scheme: (req.socket as TLSSocket).encrypted ? 'https' : 'http',
    headers: req.headers as Record<string, string | undefined>,
  };
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

export async function startDualProtocolServer(tls: { cert: Buffer; key: Buffer }): Promise<DualProtocolServer> {
  const plain = createHttpServer(handle);
  const secure = createHttpsServer({ cert: tls.cert, key: tls.key }, handle);
  const sockets = new Set<Socket>();
  const tcp = createTcpServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.once('data', (first: Buffer) => {
      // Hand the connection, first bytes included, to the server that speaks its protocol.
      socket.pause();
      socket.unshift(first);
      (first[0] === TLS_HANDSHAKE ? secure : plain).emit('connection', socket);
      process.nextTick(() => socket.resume());
    });
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = tcp.address() as AddressInfo;
  return {
    port,
    httpUrl: `http://127.0.0.1:${port}`,
    httpsUrl: `https://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        tcp.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
