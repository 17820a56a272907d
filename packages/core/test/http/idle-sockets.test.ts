import { afterEach, describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import { Agent as HttpAgent, createServer, request, type IncomingMessage, type OutgoingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { AgentPool } from '../../dist/http/agents.js';
import { closeIdleSocketsAfter } from '../../dist/http/idle-sockets.js';

interface Exchange {
  port: number;
  body: string;
  socket: Socket;
  /** The socket's idle timer while it served this request (0: none). */
  timeoutInUse: number | undefined;
}

/** A server answering `ok` after the request's `delay` query (ms, on a timer the server owns), with these headers. */
async function startServer(headers: OutgoingHttpHeaders = {}): Promise<Server & { url: string }> {
  const server = createServer((incoming, response) => {
    const delay = Number(new URL(incoming.url ?? '/', 'http://x').searchParams.get('delay') ?? 0);
    const answer = () => response.writeHead(200, headers).end(`ok ${incoming.socket.remotePort}`);
    if (delay > 0) setTimeout(answer, delay);
    else answer();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return Object.assign(server, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
}

async function get(agent: HttpAgent, url: string): Promise<Exchange> {
  const sent = request(url, { agent });
  sent.end();
  const [response] = (await once(sent, 'response')) as [IncomingMessage];
  const timeoutInUse = (sent.socket as Socket & { timeout?: number }).timeout;
  let body = '';
  for await (const chunk of response) body += String(chunk);
  return { port: Number(body.split(' ')[1]), body, socket: sent.socket as Socket, timeoutInUse };
}

const servers: Server[] = [];
const agents: HttpAgent[] = [];
afterEach(() => {
  for (const agent of agents.splice(0)) agent.destroy();
  for (const server of servers.splice(0)) {
    server.close();
    server.closeAllConnections();
  }
});

async function setUp(idleMs: number, headers?: OutgoingHttpHeaders): Promise<{ agent: HttpAgent; url: string }> {
  const server = await startServer(headers);
  servers.push(server);
  const agent = closeIdleSocketsAfter(new HttpAgent({ keepAlive: true }), idleMs);
  agents.push(agent);
  return { agent, url: server.url };
}

describe('closeIdleSocketsAfter', () => {
  it('keeps a free socket for the next request, then closes it once idle', async () => {
    const { agent, url } = await setUp(150);
    const first = await get(agent, url);
    const second = await get(agent, url);
    expect(second.port).toBe(first.port);
    expect(second.socket).toBe(first.socket);
    // Free again: the agent's 'timeout' handler destroys it.
    await once(second.socket, 'close');
    expect(Object.keys(agent.freeSockets)).toEqual([]);
    const third = await get(agent, url);
    expect(third.port).not.toBe(first.port);
  });

  it('times a socket only while it is free: a response slower than the idle time arrives on a reused socket', async () => {
    const { agent, url } = await setUp(50);
    const first = await get(agent, url);
    const slow = await get(agent, `${url}/?delay=300`);
    expect(slow.body).toBe(`ok ${first.port}`);
    expect(slow.socket).toBe(first.socket);
    expect(slow.timeoutInUse).toBe(0);
  });

  it("lets a server's Keep-Alive hint shorten the idle time, as Node's own timeout does", async () => {
    // Node keeps a socket until 1 s before the server's announced timeout: 1 s here, not the agent's minute.
    const { agent, url } = await setUp(60_000, { 'Keep-Alive': 'timeout=2' });
    const { socket } = await get(agent, url);
    await once(socket, 'close');
    expect(Object.keys(agent.freeSockets)).toEqual([]);
  });

  it('is how every agent of an AgentPool closes idle sockets, with no timeout option left on the agent', () => {
    const pool = new AgentPool();
    try {
      const set = pool.agentsFor({ maxSize: 2, block: false }, true, null, null);
      for (const agent of [set.http, set.https]) {
        expect(agent.keepSocketAlive).not.toBe(HttpAgent.prototype.keepSocketAlive);
        expect(agent.reuseSocket).not.toBe(HttpAgent.prototype.reuseSocket);
        expect((agent as unknown as { options: { timeout?: number } }).options.timeout).toBeUndefined();
      }
    } finally {
      pool.destroy();
    }
  });
});
