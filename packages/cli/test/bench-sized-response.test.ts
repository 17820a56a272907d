/**
 * The socket client's fast path (sized-response.ts) reads a status code from
 * the bytes only when the chunk is exactly one complete keep-alive HTTP/1.1
 * response sized by Content-Length; everything else goes to http-parser-js.
 * Checked on examples, and against http-parser-js itself on generated
 * responses: whenever the fast path answers, the parser reads the same chunk
 * as one complete message, with that status, kept alive, ending at its last byte.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import httpParser from 'http-parser-js';
import { readSizedHead, sizedResponseStatus } from '../dist/bench/sized-response.js';

const { HTTPParser } = httpParser;

const response = (head: string, body = '') => Buffer.from(`${head}\r\n\r\n${body}`, 'latin1');
const NGINX = 'HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Sun, 06 Dec 2026 00:40:00 GMT\r\nContent-Type: application/octet-stream\r\nContent-Length: 5\r\nLast-Modified: Sat, 05 Dec 2026 23:00:00 GMT\r\nConnection: keep-alive\r\nETag: "x"\r\nAccept-Ranges: bytes';

/** What http-parser-js makes of a chunk: messages completed, the first one's status and keep-alive, an error. */
function parse(chunk: Buffer): { messages: number; status?: number; keepAlive?: boolean; error: boolean } {
  const parser = new HTTPParser(HTTPParser.RESPONSE);
  const seen: { messages: number; status?: number; keepAlive?: boolean; error: boolean } = { messages: 0, error: false };
  parser[HTTPParser.kOnHeadersComplete] = (info: { statusCode: number; shouldKeepAlive: boolean }) => {
    if (seen.status === undefined) {
      seen.status = info.statusCode;
      seen.keepAlive = info.shouldKeepAlive;
    }
    return 0;
  };
  parser[HTTPParser.kOnBody] = () => {};
  parser[HTTPParser.kOnMessageComplete] = () => (seen.messages += 1);
  const result = parser.execute(chunk);
  seen.error = result instanceof Error || result !== chunk.length;
  return seen;
}

describe('sizedResponseStatus', () => {
  it('reads the common answers: nginx, node:http, no reason phrase, any case, spaces around the length', () => {
    expect(sizedResponseStatus(response(NGINX, 'aaaaa'))).toBe(200);
    expect(sizedResponseStatus(response('HTTP/1.1 404 Not Found\r\nContent-Length: 0'))).toBe(404);
    expect(sizedResponseStatus(response('HTTP/1.1 503\r\ncontent-LENGTH:   2  \r\nCONNECTION: Keep-Alive', 'no'))).toBe(503);
    expect(sizedResponseStatus(response('HTTP/1.1 200 OK\r\nDate: x\r\nContent-Length: 2\r\nKeep-Alive: timeout=5', 'ok'))).toBe(200);
  });

  it('leaves everything else to the parser (-1)', () => {
    const refused = [
      response(NGINX, 'aaaa'), // body split over reads
      response(NGINX, 'aaaaaa'), // more than one answer, or junk, in the chunk
      Buffer.concat([response(NGINX, 'aaaaa'), response(NGINX, 'aaaaa')]),
      response(NGINX).subarray(0, 40), // the head itself split
      response('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked', '2\r\nok\r\n0\r\n\r\n'),
      response('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close', 'ok'),
      response('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nconnection: Keep-Alive, Close', 'ok'),
      response('HTTP/1.0 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive', 'ok'),
      response('HTTP/1.1 204 No Content\r\nContent-Length: 0'),
      response('HTTP/1.1 304 Not Modified\r\nContent-Length: 5'),
      response('HTTP/1.1 100 Continue\r\nContent-Length: 0'),
      response('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2', 'ok'),
      response('HTTP/1.1 200 OK\r\nContent-Length: 2x', 'ok'),
      response('HTTP/1.1 200 OK\r\nContent-Length: -2', 'ok'),
      response('HTTP/1.1 200 OK\r\nContent-Length: 1 1', 'x'),
      response('HTTP/1.1 200 OK\r\nContent-Length:', ''),
      response('HTTP/1.1 200 OK', 'ok'), // no length: the body runs to the close
      response('HTTP/1.1 2x0 OK\r\nContent-Length: 2', 'ok'),
      response('HTTP/1.1 200OK\r\nContent-Length: 2', 'ok'),
      Buffer.from('HTTP/1.1 200 OK\nContent-Length: 2\r\n\r\nok', 'latin1'), // a bare LF
    ];
    for (const chunk of refused) expect([chunk.toString('latin1'), sizedResponseStatus(chunk)]).toEqual([chunk.toString('latin1'), -1]);
  });

  it('never disagrees with http-parser-js: when it answers, the parser reads one whole keep-alive message with that status', () => {
    const headerName = (name: string) => fc.constantFrom(name, name.toLowerCase(), name.toUpperCase());
    const header = fc.oneof(
      // LEN: the body's true length, most of the time.
      fc.tuple(headerName('Content-Length'), fc.oneof({ arbitrary: fc.constantFrom('LEN', ' LEN '), weight: 4 }, fc.nat(40).map(String), fc.constantFrom('3x', '', '-1', '1 2'))),
      fc.tuple(headerName('Connection'), fc.constantFrom('keep-alive', 'close', 'Keep-Alive, close', 'upgrade')),
      fc.tuple(headerName('Transfer-Encoding'), fc.constantFrom('chunked', 'identity')),
      fc.tuple(fc.constantFrom('Server', 'X-Content-Length', 'Content-Type'), fc.string({ maxLength: 8 }).map((s) => s.replace(/[\r\n]/g, ''))),
    );
    const chunk = fc
      .record({
        version: fc.constantFrom('1.1', '1.1', '1.0'),
        status: fc.constantFrom(200, 201, 204, 301, 304, 404, 500, 100, 199),
        headers: fc.array(header, { maxLength: 4 }),
        body: fc.nat(40),
        cut: fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, fc.integer({ min: -3, max: 3 })),
      })
      .map(({ version, status, headers, body, cut }) => {
        const head = [`HTTP/${version} ${status} X`, ...headers.map(([n, v]) => `${n}: ${v.replace('LEN', String(body))}`)].join('\r\n');
        const whole = response(head, 'b'.repeat(body));
        return cut < 0 ? whole.subarray(0, Math.max(0, whole.length + cut)) : Buffer.concat([whole, Buffer.alloc(cut, 'j')]);
      });
    let answered = 0;
    fc.assert(
      fc.property(chunk, (bytes) => {
        const status = sizedResponseStatus(bytes);
        if (status === -1) return;
        answered += 1;
        const whole = parse(bytes);
        expect(whole).toEqual({ messages: 1, status, keepAlive: true, error: false });
        // ...and the message needs its last byte: it ends exactly where the chunk does.
        expect(parse(bytes.subarray(0, bytes.length - 1)).messages).toBe(0);
      }),
      { numRuns: 6000 },
    );
    // Not vacuous: the generated responses take the fast path often enough to mean something.
    expect(answered).toBeGreaterThan(60);
  });

  it('a whole head with part of its body: says how many body bytes are missing, and the parser agrees once they came', () => {
    const whole = response(NGINX, 'hello');
    const headLength = whole.length - 5;
    expect(readSizedHead(whole.subarray(0, headLength))).toEqual({ status: 200, bodyMissing: 5 });
    expect(readSizedHead(whole.subarray(0, headLength + 2))).toEqual({ status: 200, bodyMissing: 3 });
    expect(readSizedHead(whole)).toEqual({ status: 200, bodyMissing: 0 });
    // A head cut short, or bytes past the body: the parser's.
    expect(readSizedHead(whole.subarray(0, headLength - 1))).toBeUndefined();
    expect(readSizedHead(Buffer.concat([whole, Buffer.from('H')]))).toBeUndefined();
    const generated = fc.record({ status: fc.constantFrom(200, 404, 500), body: fc.integer({ min: 1, max: 300 }), cut: fc.nat(300) });
    fc.assert(
      fc.property(generated, ({ status, body, cut }) => {
        const bytes = response(`HTTP/1.1 ${status} X\r\nContent-Length: ${body}`, 'b'.repeat(body));
        const first = bytes.subarray(0, bytes.length - Math.min(cut, body));
        const head = readSizedHead(first);
        expect(head).toEqual({ status, bodyMissing: Math.min(cut, body) });
        expect(parse(Buffer.concat([first, Buffer.alloc(head!.bodyMissing, 'b')]))).toEqual({ messages: 1, status, keepAlive: true, error: false });
      }),
      { numRuns: 500 },
    );
  });
});
