/**
 * The JSON server's own process: the coordinator must not pay for serving
 * (2 cores, shared), so the server runs here and reports its port over IPC.
 *   GET /json...  ≈200-byte JSON
 *   GET /big...   ≈50 KB JSON array (for the CPU-hook scenario)
 */
import { createServer } from 'node:http';
import { bigJsonBody, smallJsonBody } from './json-payloads.js';

const small = smallJsonBody();
const big = bigJsonBody();

const server = createServer((req, res) => {
  const body = req.url?.startsWith('/big') ? big : req.url?.startsWith('/json') ? small : undefined;
  if (!body) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
});
// Clients keep sockets for a whole run; Node's 5 s default would close them mid-run.
server.keepAliveTimeout = 120_000;
server.headersTimeout = 121_000;
server.maxRequestsPerSocket = 0;

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.send?.({ port, smallBytes: small.length, bigBytes: big.length });
});

// If the coordinator dies without stopping us, the IPC channel closes: leave too.
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
