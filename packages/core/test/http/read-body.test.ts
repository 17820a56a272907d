/**
 * readBody reads a whole body in flowing mode (read-body.ts) and must settle
 * as the for-await loop it replaced did: every byte in order, a stream
 * without autoDestroy left alone at the end, a stream closed before its end or
 * past the cap refused.
 */
import { describe, expect, it } from '@jest/globals';
import { PassThrough } from 'node:stream';
import { ChunkedEncodingError, ContentTooLarge } from '../../dist/http/errors.js';
import { readBody } from '../../dist/http/read-body.js';
import { send, useTestEngine } from './engine.js';

const request = { method: 'GET', url: 'http://127.0.0.1/body' };

useTestEngine();

describe('readBody', () => {
  it('joins the chunks in order, reports progress, and leaves a stream without autoDestroy (as got makes them) undestroyed', async () => {
    const stream = new PassThrough({ autoDestroy: false });
    const seen: number[] = [];
    const body = readBody(stream, { request, progress: (bytes) => seen.push(bytes) });
    stream.write(Buffer.from('abc'));
    stream.end(Buffer.from('def'));
    expect(Buffer.from(await body).toString()).toBe('abcdef');
    expect(seen.at(-1)).toBe(6);
    // got destroys a request's body with its stream: a 307 sends that body again.
    expect(stream.destroyed).toBe(false);
  });

  it('refuses a stream that closes before its end', async () => {
    const stream = new PassThrough();
    const body = readBody(stream, { request });
    stream.write(Buffer.from('abc'));
    stream.destroy();
    await expect(body).rejects.toThrow(ChunkedEncodingError);
  });

  it('names a close before the end as finished() did (Premature close), and an error as itself', async () => {
    const closed = new PassThrough();
    const body = readBody(closed, { request });
    closed.destroy();
    await expect(body).rejects.toThrow(/Premature close/);
    const failed = new PassThrough();
    const failing = readBody(failed, { request });
    failed.destroy(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    await expect(failing).rejects.toThrow(/ECONNRESET|socket hang up/);
  });

  it('settles for a body handed over already ended, failed or closed, instead of waiting for events that are past', async () => {
    const ended = new PassThrough({ autoDestroy: false });
    ended.end();
    ended.resume();
    await new Promise((resolve) => ended.once('end', resolve));
    expect((await readBody(ended, { request })).byteLength).toBe(0);
    const destroyed = new PassThrough();
    destroyed.destroy();
    await expect(readBody(destroyed, { request })).rejects.toThrow(ChunkedEncodingError);
    const errored = new PassThrough();
    errored.on('error', () => {});
    errored.destroy(new Error('gone'));
    await expect(readBody(errored, { request })).rejects.toThrow(/gone/);
  });

  it('takes its listeners off the stream once settled', async () => {
    const stream = new PassThrough({ autoDestroy: false });
    const before = ['data', 'end', 'error', 'close'].map((event) => stream.listenerCount(event));
    const body = readBody(stream, { request });
    stream.end(Buffer.from('abc'));
    await body;
    expect(['data', 'end', 'error', 'close'].map((event) => stream.listenerCount(event))).toEqual(before);
  });

  it('stops at the cap with ContentTooLarge and destroys the stream', async () => {
    const stream = new PassThrough();
    const body = readBody(stream, { request, maxBytes: 4 });
    stream.write(Buffer.from('abc'));
    stream.write(Buffer.from('def'));
    await expect(body).rejects.toThrow(ContentTooLarge);
    expect(stream.destroyed).toBe(true);
  });

  it('reads real bodies over a kept-alive connection, one after another', async () => {
    for (const size of [0, 1, 1000, 200_000]) {
      const response = await send(`/bytes/${size}`);
      expect(response.content.byteLength).toBe(size);
    }
  });
});
