/** The ≈230-byte JSON answer of the small-gets scenario, on 127.0.0.1 port 0; sends its port to the parent. */
import { createServer } from 'node:http';

const body = Buffer.from(JSON.stringify({
  id: 4211, name: 'requests-futures', ok: true, tags: ['http', 'futures', 'bench'], owner: { login: 'bench', id: 7 },
  updatedAt: '2024-01-01T00:00:00.000Z', score: 0.875, description: 'a small JSON answer of about two hundred bytes',
}));
const server = createServer((request, response) => {
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  response.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send(server.address().port));
process.on('disconnect', () => process.exit(0));
