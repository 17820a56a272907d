/**
 * The cheapest useful server for the 10,000-request runs: node:http on
 * 127.0.0.1 answering every request with its own path, so each response can
 * be checked against the URL that asked for it (httpbin's routing costs about
 * a third more per request, which adds up over 20,000 requests).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EchoServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startEchoServer(): Promise<EchoServer> {
  const server = createServer((req, res) => {
    const body = Buffer.from(req.url ?? '/');
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': body.length });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
