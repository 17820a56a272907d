/**
 * Bodies a lying server frames or encodes wrongly are never saved as the
 * file: a Content-Encoding the engine does not decode (compress, an unknown
 * one, a list holding one) fails ContentDecodingError instead of leaving the encoded bytes
 * under the target name; a compressed body that breaks off or fails its check
 * fails ContentDecodingError; a chunked body without its last chunk, or a
 * response with both Transfer-Encoding and Content-Length, or two lengths,
 * fails too. Nothing is left under the target's name, nor a temporary.
 */
import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { ChunkedEncodingError, ContentDecodingError, InvalidHeader } from '@requests-futures/core';
import { SMALL_BODY_BYTES } from '../../dist/http/small-body.js';
import { useDownloadFixture } from './support/fixture.js';
import { sha256 } from './support/lying-server.js';

const fixture = useDownloadFixture('rf-hostile-');
const { send } = fixture;

/** Incompressible, so a cut compressed stream is cut mid-data; larger than the small-body path unless asked. */
const body = randomBytes(SMALL_BODY_BYTES * 3);
const small = body.subarray(0, 20_000);

const filesNamed = async (name: string) => (await readdir(fixture.dir)).filter((entry) => entry.includes(name));

/** Writes `head` and `payload` to the socket as they are: framing node:http would refuse to produce. */
function sendRaw(res: ServerResponse, head: string, payload: Buffer): void {
  res.socket!.end(Buffer.concat([Buffer.from(`${head}\r\nConnection: close\r\n\r\n`, 'latin1'), payload]));
}

const firstHalf = (bytes: Buffer) => bytes.subarray(0, bytes.length >> 1);

describe('a Content-Encoding the engine does not decode', () => {
  it.each([
    ['compress', small],
    ['gzip, compress', small],
    ['x-unknown', small],
  ])('%j: ContentDecodingError naming it, and the still-encoded bytes are not saved', async (coding, encoded) => {
    const name = `coding-${coding.replace(/\W+/g, '-')}.bin`;
    const url = fixture.server.on(`/${name}`, (_req, res) => res.writeHead(200, { 'Content-Encoding': coding, 'Content-Length': encoded.length }).end(encoded));
    const failure = send(url, { saveTo: join(fixture.dir, name) });
    await expect(failure).rejects.toThrow(ContentDecodingError);
    await expect(failure).rejects.toThrow(`Content-Encoding '${coding}' is not one the engine decodes`);
    expect(await filesNamed(name)).toEqual([]);
  });

  it('with resume, the part an earlier attempt left stays as it was for the next one', async () => {
    const name = 'coding-resume.bin';
    const url = fixture.server.on(`/${name}`, (_req, res) => {
      const encoded = body.subarray(1000);
      res.writeHead(206, { ETag: '"v1"', 'Content-Encoding': 'compress', 'Content-Length': encoded.length, 'Content-Range': `bytes 1000-${body.length - 1}/${body.length}` }).end(encoded);
    });
    await writeFile(join(fixture.dir, `.${name}.part`), body.subarray(0, 1000));
    await writeFile(join(fixture.dir, `.${name}.part.json`), JSON.stringify({ validator: '"v1"', url }));
    await expect(send(url, { saveTo: join(fixture.dir, name), resume: true })).rejects.toThrow(ContentDecodingError);
    expect((await filesNamed(name)).sort()).toEqual([`.${name}.part`, `.${name}.part.json`]);
    expect((await readFile(join(fixture.dir, `.${name}.part`))).equals(body.subarray(0, 1000))).toBe(true);
  });

  it('x-gzip is gzip, as urllib3 and so requests read it: saved decoded, and read decoded without saveTo; its length is not Content-Length\'s', async () => {
    const encoded = gzipSync(body);
    const url = fixture.server.on('/coding-x-gzip.bin', (_req, res) => res.writeHead(200, { 'Content-Encoding': 'X-Gzip', 'Content-Length': encoded.length }).end(encoded));
    const saved = await send(url, { saveTo: join(fixture.dir, 'coding-x-gzip.bin') });
    expect(saved.sha256).toBe(sha256(body));
    expect((await readFile(join(fixture.dir, 'coding-x-gzip.bin'))).equals(body)).toBe(true);
    const read = await send(url);
    expect(Buffer.from(read.content).equals(body)).toBe(true);
    expect(read.headers.get('content-encoding')).toBe('X-Gzip');
  });

  it.each([
    ['gzip, br', () => brotliCompressSync(gzipSync(body))],
    ['identity, gzip', () => gzipSync(body)],
    ['gzip, gzip', () => gzipSync(gzipSync(body))],
    ['deflate, x-gzip', () => gzipSync(deflateSync(body))],
  ])('a list of codings, %j, is undone last first, as urllib3 does: saved and read decoded', async (coding, encode) => {
    const encoded = encode();
    const name = `coding-list-${coding.replace(/\W+/g, '-')}.bin`;
    const url = fixture.server.on(`/${name}`, (_req, res) => res.writeHead(200, { 'Content-Encoding': coding, 'Content-Length': encoded.length }).end(encoded));
    const saved = await send(url, { saveTo: join(fixture.dir, name) });
    expect(saved.sha256).toBe(sha256(body));
    expect((await readFile(join(fixture.dir, name))).equals(body)).toBe(true);
    expect(Buffer.from((await send(url)).content).equals(body)).toBe(true);
  });

  it('x-gzip on an empty body (HEAD, 204) is an empty body; a corrupt or cut one fails ContentDecodingError and saves nothing', async () => {
    const empty = fixture.server.on('/x-gzip-empty', (_req, res) => res.writeHead(204, { 'Content-Encoding': 'x-gzip' }).end());
    expect((await send(empty)).content.length).toBe(0);
    const head = fixture.server.on('/x-gzip-head', (_req, res) => res.writeHead(200, { 'Content-Encoding': 'x-gzip', 'Content-Length': 100 }).end());
    expect((await send(head, { method: 'HEAD' })).content.length).toBe(0);
    const corrupt = Buffer.from(gzipSync(small));
    corrupt[corrupt.length - 6] ^= 0xff;
    for (const [name, bytes] of [['x-gzip-corrupt.bin', corrupt], ['x-gzip-cut.bin', firstHalf(gzipSync(body))]] as const) {
      const url = fixture.server.on(`/${name}`, (_req, res) => res.writeHead(200, { 'Content-Encoding': 'x-gzip' }).end(bytes));
      await expect(send(url, { saveTo: join(fixture.dir, name) })).rejects.toThrow(ContentDecodingError);
      expect(await filesNamed(name)).toEqual([]);
    }
  });

  it('gzip in capitals is gzip: decoded and saved (the control)', async () => {
    const url = fixture.server.on('/coding-upper.bin', (_req, res) => res.writeHead(200, { 'Content-Encoding': 'GZIP' }).end(gzipSync(body)));
    const r = await send(url, { saveTo: join(fixture.dir, 'coding-upper.bin') });
    expect(r.sha256).toBe(sha256(body));
    expect((await readFile(join(fixture.dir, 'coding-upper.bin'))).equals(body)).toBe(true);
  });
});

describe('a compressed body that does not decode whole', () => {
  const badCheck = Buffer.from(gzipSync(small));
  badCheck[badCheck.length - 6] ^= 0xff;
  it.each([
    ['gzip cut in half (small body)', 'gzip', firstHalf(gzipSync(small)), 'unexpected end of file'],
    ['gzip cut in half (streamed body)', 'gzip', firstHalf(gzipSync(body)), 'unexpected end of file'],
    ['deflate cut in half', 'deflate', firstHalf(deflateSync(body)), 'unexpected end of file'],
    ['br cut in half', 'br', firstHalf(brotliCompressSync(body)), 'unexpected end of file'],
    ['gzip whose CRC is wrong', 'gzip', badCheck, 'incorrect data check'],
  ])('%s, with a Content-Length that matches it: ContentDecodingError, nothing saved', async (label, coding, encoded, reason) => {
    const name = `broken-${label.replace(/\W+/g, '-')}.bin`;
    const url = fixture.server.on(`/${name}`, (_req, res) => res.writeHead(200, { 'Content-Encoding': coding, 'Content-Length': encoded.length }).end(encoded));
    const failure = send(url, { saveTo: join(fixture.dir, name) });
    await expect(failure).rejects.toThrow(ContentDecodingError);
    await expect(failure).rejects.toThrow(reason);
    expect(await filesNamed(name)).toEqual([]);
  });
});

describe('framing a lying server gets wrong', () => {
  const chunk = (bytes: Buffer) => Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from('\r\n')]);
  it.each([
    ['a chunked body closed before its last chunk (small)', 'Transfer-Encoding: chunked', chunk(small), ChunkedEncodingError],
    ['a chunked body closed before its last chunk (streamed)', 'Transfer-Encoding: chunked', chunk(body), ChunkedEncodingError],
    ['Transfer-Encoding and Content-Length both', `Transfer-Encoding: chunked\r\nContent-Length: ${small.length * 2}`, Buffer.concat([chunk(small), Buffer.from('0\r\n\r\n')]), InvalidHeader],
    ['two different Content-Lengths', `Content-Length: ${small.length}\r\nContent-Length: ${small.length >> 1}`, small, InvalidHeader],
  ])('%s: fails, nothing saved', async (label, headers, payload, errorClass) => {
    const name = `framing-${label.replace(/\W+/g, '-')}.bin`;
    const url = fixture.server.on(`/${name}`, (_req, res) => sendRaw(res, `HTTP/1.1 200 OK\r\n${headers}`, payload));
    await expect(send(url, { saveTo: join(fixture.dir, name) })).rejects.toThrow(errorClass);
    expect(await filesNamed(name)).toEqual([]);
  });
});
