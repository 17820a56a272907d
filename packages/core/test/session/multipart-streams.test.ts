/**
 * `files` whose contents are streams (a Readable, an async iterable, { path },
 * a Blob, an opened file), in requests' tuple form with per-part headers and
 * in the object form, on both executors (across processes the child pulls
 * each streamed part from the coordinator). A loopback server parses the
 * multipart body by its boundary and records every part's headers and bytes.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { UnrewindableBodyError } from '@requests-futures/core';
import { listenOnLoopback } from '@requests-futures/testing';
import { pendingUploadOffers } from '@requests-futures/worker';
import { seededBytes } from '@requests-futures/testing';
import { executorCases } from './executors.js';
import { sessionPerBlock } from './session-per-block.js';

interface Part {
  headers: Record<string, string>;
  body: Buffer;
}
interface Received {
  headers: IncomingHttpHeaders;
  parts: Part[];
}

/** Splits a multipart body at its boundary (RFC 7578): each part's header lines, then its bytes up to the next CRLF--boundary. */
function parseMultipart(body: Buffer, contentType: string): Part[] {
  const boundary = /boundary=([^;]+)/.exec(contentType)?.[1];
  if (boundary === undefined) throw new Error(`no boundary in ${contentType}`);
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let at = body.indexOf(delimiter);
  if (at !== 0) throw new Error('the body does not start with the boundary');
  for (;;) {
    at += delimiter.length;
    if (body.subarray(at, at + 4).toString() === `--\r\n`) return parts;
    const headEnd = body.indexOf('\r\n\r\n', at);
    const headers: Record<string, string> = {};
    for (const line of body.subarray(at + 2, headEnd).toString('utf8').split('\r\n')) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headEnd + 4);
    if (next === -1) throw new Error('a part is not closed by the boundary');
    parts.push({ headers, body: body.subarray(headEnd + 4, next) });
    at = next + 2;
  }
}

let server: Server;
let url = '';
const received: Received[] = [];
let dir: string;
let filePath: string;
const FILE_BYTES = seededBytes(300 * 1024 + 3, 9);

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, parts: parseMultipart(Buffer.concat(chunks), req.headers['content-type'] ?? '') });
      if (req.url === '/307') res.writeHead(307, { Location: '/after' }).end();
      else res.writeHead(200).end('ok');
    });
  });
  url = `http://127.0.0.1:${await listenOnLoopback(server)}`;
  dir = await mkdtemp(join(tmpdir(), 'rf-multipart-'));
  filePath = join(dir, 'upload.bin');
  await writeFile(filePath, FILE_BYTES);
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

async function* pieces(text: string): AsyncGenerator<Uint8Array> {
  for (const piece of text.split(' ')) yield new TextEncoder().encode(`${piece};`);
}

describe.each(executorCases)('files with streamed contents on $name', ({ make }) => {
  const session = sessionPerBlock(make);

  it('every kind of content reaches the server as its own part, with its filename, type and headers', async () => {
    const handle = await open(filePath, 'r');
    try {
      const before = received.length;
      const response = await session()
        .post(`${url}/upload`, {
          data: { field: 'value' },
          files: {
            readable: ['r.txt', Readable.from([Buffer.from('from a '), Buffer.from('Readable')]), 'text/plain', { 'X-Part': 'readable' }],
            iterable: { filename: 'i.txt', content: pieces('a b c'), headers: { 'X-Part': 'iterable' } },
            path: { path: filePath },
            blob: ['b.bin', new Blob([new Uint8Array([1, 2, 3])]), 'application/x-test'],
            handle: ['h.bin', handle],
          },
        })
        .result();
      expect(response.statusCode).toBe(200);
      const { headers, parts } = received[before]!;
      // A Readable's length is unknown: the body goes chunked.
      expect(headers['transfer-encoding']).toBe('chunked');
      expect(parts.map((part) => part.headers['content-disposition'])).toEqual([
        'form-data; name="field"',
        'form-data; name="readable"; filename="r.txt"',
        'form-data; name="iterable"; filename="i.txt"',
        'form-data; name="path"; filename="upload.bin"',
        'form-data; name="blob"; filename="b.bin"',
        'form-data; name="handle"; filename="h.bin"',
      ]);
      const [field, readable, iterable, path, blob, opened] = parts as [Part, Part, Part, Part, Part, Part];
      expect(field.body.toString()).toBe('value');
      expect(readable.body.toString()).toBe('from a Readable');
      expect(readable.headers).toMatchObject({ 'content-type': 'text/plain', 'x-part': 'readable' });
      expect(iterable.body.toString()).toBe('a;b;c;');
      expect(iterable.headers['x-part']).toBe('iterable');
      expect(path.body.equals(FILE_BYTES)).toBe(true);
      expect([...blob.body]).toEqual([1, 2, 3]);
      expect(blob.headers['content-type']).toBe('application/x-test');
      expect(opened.body.equals(FILE_BYTES)).toBe(true);
      expect(pendingUploadOffers()).toBe(0);
    } finally {
      await handle.close();
    }
  });

  it('parts of known length are sent with Content-Length, and again after a 307', async () => {
    const before = received.length;
    const response = await session().post(`${url}/307`, { files: { file: { path: filePath }, note: [null, 'n', null, { 'X-Note': 'yes' }] } }).result();
    expect(response.statusCode).toBe(200);
    const sent = received.slice(before);
    expect(sent).toHaveLength(2);
    for (const { headers, parts } of sent) {
      expect(headers['transfer-encoding']).toBeUndefined();
      expect(Number(headers['content-length'])).toBeGreaterThan(FILE_BYTES.length);
      expect(parts[0]!.body.equals(FILE_BYTES)).toBe(true);
      expect(parts[1]!.headers).toEqual({ 'content-disposition': 'form-data; name="note"', 'x-note': 'yes' });
    }
  });

  it('a streamed part cannot be sent twice: a 307 fails with UnrewindableBodyError', async () => {
    const error = await session().post(`${url}/307`, { files: { once: ['once.txt', Readable.from([Buffer.from('x')])] } }).exception();
    expect(error).toBeInstanceOf(UnrewindableBodyError);
  });

  it('refuses a content it cannot send, naming the part', async () => {
    const error = await session().post(`${url}/upload`, { files: { bad: ['bad.txt', 42 as never] } }).exception();
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/files\.bad\[1\] \(content\) must be a string, a Uint8Array, \{ path \}, a Readable/);
  });
});
