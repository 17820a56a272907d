/**
 * HTTPDigestAuth reuses the server's nonce, as requests' does: after the
 * first 401, the following requests to the same origin carry the answer at
 * once with nc incremented, so a node:http digest server sees one 401 for
 * many requests; a stale nonce costs one more 401, answered once. Both executors.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { FuturesSession, HTTPDigestAuth } from '@requests-futures/core';
import { listenOnLoopback } from '@requests-futures/testing';
import { executorCases } from './executors.js';

const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const REALM = 'loopback';
const USER = 'user';
const PASSWORD = 'secret';

/** A digest server (RFC 7616, MD5, qop auth) that checks each answer and that nc grows for a nonce; each 401 offers a new nonce, which serves `usesPerNonce` requests before it is stale. */
class DigestServer {
  readonly server: Server;
  url = '';
  unauthorized = 0;
  authorized = 0;
  readonly ncSeen: number[] = [];
  private nonces = 0;
  private nonce = 'nonce-0';
  private uses = 0;
  private lastNc = 0;

  constructor(private readonly usesPerNonce: number) {
    this.server = createServer((req, res) => {
      const fields = this.parse(req.headers.authorization);
      if (fields && this.valid(fields, req.method ?? 'GET')) {
        this.authorized += 1;
        this.uses += 1;
        res.writeHead(200).end('ok');
        return;
      }
      const stale = fields !== null && fields.nonce === this.nonce;
      // Every challenge is a fresh nonce, as servers issue them.
      this.nonce = `nonce-${++this.nonces}`;
      this.uses = 0;
      this.lastNc = 0;
      this.unauthorized += 1;
      res.writeHead(401, { 'WWW-Authenticate': `Digest realm="${REALM}", nonce="${this.nonce}", qop="auth", algorithm=MD5, opaque="op"${stale ? ', stale=true' : ''}` }).end();
    });
  }

  async start(): Promise<void> {
    this.url = `http://127.0.0.1:${await listenOnLoopback(this.server)}`;
  }

  private parse(header: string | undefined): Record<string, string> | null {
    if (!header?.startsWith('Digest ')) return null;
    const fields: Record<string, string> = {};
    for (const match of header.slice(7).matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) fields[match[1]!] = match[2] ?? match[3]!;
    return fields;
  }

  private valid(fields: Record<string, string>, method: string): boolean {
    // A nonce that has served its turn is stale: the next 401 offers a new one.
    if (fields.nonce !== this.nonce || this.uses >= this.usesPerNonce) return false;
    const nc = parseInt(fields.nc ?? '', 16);
    if (!(nc > this.lastNc)) return false;
    const ha1 = md5(`${USER}:${REALM}:${PASSWORD}`);
    const ha2 = md5(`${method}:${fields.uri}`);
    if (fields.response !== md5(`${ha1}:${fields.nonce}:${fields.nc}:${fields.cnonce}:auth:${ha2}`)) return false;
    this.lastNc = nc;
    this.ncSeen.push(nc);
    return true;
  }
}

describe.each(executorCases)('HTTPDigestAuth nonce reuse on $name', ({ make }) => {
  let session: FuturesSession;
  const servers: DigestServer[] = [];
  const digestServer = async (usesPerNonce: number) => {
    const server = new DigestServer(usesPerNonce);
    await server.start();
    servers.push(server);
    return server;
  };
  beforeAll(() => {
    session = new FuturesSession({ executor: make() });
  });
  afterAll(async () => {
    await session.close();
    await session.executor.shutdown();
    for (const { server } of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('one 401 for five requests with the same auth object, nc 1 to 5', async () => {
    const server = await digestServer(Infinity);
    const auth = new HTTPDigestAuth(USER, PASSWORD);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await session.get(`${server.url}/item/${i}`, { auth }).result()).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect(server.unauthorized).toBe(1);
    expect(server.ncSeen).toEqual([1, 2, 3, 4, 5]);
    // Only the first response has the 401 in its history.
    const again = await session.get(`${server.url}/again`, { auth }).result();
    expect(again.history).toEqual([]);
    expect(again.request.headers.get('authorization')).toMatch(/nc=00000006/);
  });

  it('another auth object learns the nonce for itself (requests keeps it on the object)', async () => {
    const server = await digestServer(Infinity);
    for (let i = 0; i < 2; i++) expect((await session.get(`${server.url}/x`, { auth: new HTTPDigestAuth(USER, PASSWORD) }).result()).statusCode).toBe(200);
    expect(server.unauthorized).toBe(2);
  });

  it('a stale nonce costs one 401, answered once, and the new nonce is reused', async () => {
    const server = await digestServer(3);
    const auth = new HTTPDigestAuth(USER, PASSWORD);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await session.get(`${server.url}/s/${i}`, { auth }).result()).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    expect(server.unauthorized).toBe(2);
    expect(server.ncSeen).toEqual([1, 2, 3, 1, 2, 3]);
  });
});
