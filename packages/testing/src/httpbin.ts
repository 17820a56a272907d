/**
 * An httpbin-like server for tests: node:http on 127.0.0.1, port chosen by
 * the OS. Routes answer like httpbin.org so tests read like requests' own.
 * `close()` destroys every socket and timer, so a test never hangs on a
 * pending /delay or /drip.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';

export interface TestServer {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;

interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  path: string[];
  body: Buffer;
  /** Registers a timer that close() clears, and that is cleared when the client goes away. */
  later(ms: number, fn: () => void): void;
}

const ECHO_METHODS: Record<string, string> = { post: 'POST', put: 'PUT', patch: 'PATCH', delete: 'DELETE' };

/** httpbin shows header names in Title-Case. */
function titleCase(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = titleCase(req.rawHeaders[i]!.toLowerCase());
    const value = req.rawHeaders[i + 1]!;
    out[name] = name in out ? `${out[name]}, ${value}` : value;
  }
  return out;
}

/** httpbin's args/form: one value → string, repeated → list. */
function multiDict(entries: Iterable<[string, string]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of entries) {
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

function fullUrl(ctx: Ctx): string {
  return `http://${ctx.req.headers.host ?? '127.0.0.1'}${ctx.req.url}`;
}

function baseInfo(ctx: Ctx): Json {
  return {
    args: multiDict(ctx.url.searchParams),
    headers: headersOf(ctx.req),
    origin: ctx.req.socket.remoteAddress,
    url: fullUrl(ctx),
  };
}

function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string | string[]> = {}): void {
  const body = Buffer.from(JSON.stringify(value, null, 2) + '\n');
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': body.length, ...headers });
  res.end(body);
}

function send(res: ServerResponse, status: number, body: Buffer | string, headers: Record<string, string | number | string[]> = {}): void {
  const buffer = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { 'Content-Length': buffer.length, ...headers });
  res.end(buffer);
}

/** Echo of a request with a body, as httpbin's /post, /put, /anything... */
async function echoBody(ctx: Ctx): Promise<Json> {
  const contentType = ctx.req.headers['content-type'] ?? '';
  let form: Record<string, string | string[]> = {};
  let files: Record<string, string | string[]> = {};
  let data = '';
  let json: unknown = null;
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    form = multiDict(new URLSearchParams(ctx.body.toString('utf8')));
  } else if (contentType.startsWith('multipart/form-data')) {
    // undici's Response parses multipart the way a browser would.
    const parsed = await new Response(ctx.body, { headers: { 'content-type': contentType } }).formData();
    const fields: Array<[string, string]> = [];
    const fileParts: Array<[string, string]> = [];
    for (const [name, value] of parsed.entries()) {
      if (typeof value === 'string') fields.push([name, value]);
      else fileParts.push([name, Buffer.from(await value.arrayBuffer()).toString('utf8')]);
    }
    form = multiDict(fields);
    files = multiDict(fileParts);
  } else {
    data = ctx.body.toString('utf8');
    try {
      json = data === '' ? null : JSON.parse(data);
    } catch {
      json = null;
    }
  }
  return { ...baseInfo(ctx), method: ctx.req.method, data, files, form, json };
}

/** Deterministic bytes (mulberry32), so a test can recompute what it should receive. */
export function seededBytes(n: number, seed = 42): Buffer {
  const out = Buffer.alloc(n);
  let a = seed >>> 0;
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
  }
  return out;
}

/** The body of /range/:n: the alphabet repeated. */
export function rangeBody(n: number): Buffer {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz';
  return Buffer.from(Array.from({ length: n }, (_, i) => alphabet[i % 26]).join(''));
}

const UTF8_DEMO = '<!DOCTYPE html><html><body><h1>Unicode Demo</h1><p>Ελληνικά · Русский · 日本語 · emoji 🎉 · café</p></body></html>\n';

const SAMPLE_JSON = {
  slideshow: {
    author: 'Yours Truly',
    date: 'date of publication',
    slides: [
      { title: 'Wake up to WonderWidgets!', type: 'all' },
      { items: ['Why <em>WonderWidgets</em> are great', 'Who <em>buys</em> WonderWidgets'], title: 'Overview', type: 'all' },
    ],
    title: 'Sample Slide Show',
  },
};

function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

function redirect(res: ServerResponse, location: string, status = 302): void {
  send(res, status, '', { Location: location });
}

function route(ctx: Ctx): void | Promise<void> {
  const { req, res, url, path } = ctx;
  const [first = '', second, third] = path;
  const method = req.method ?? 'GET';
  const hostBase = `http://${req.headers.host ?? '127.0.0.1'}`;

  switch (first) {
    case 'get':
      if (method !== 'GET' && method !== 'HEAD') return send(res, 405, '');
      return sendJson(res, 200, baseInfo(ctx));
    case 'headers':
      return sendJson(res, 200, { headers: headersOf(req) });
    case 'ip':
      return sendJson(res, 200, { origin: req.socket.remoteAddress });
    case 'user-agent':
      return sendJson(res, 200, { 'user-agent': req.headers['user-agent'] ?? null });
    case 'post':
    case 'put':
    case 'patch':
    case 'delete':
      if (method !== ECHO_METHODS[first]) return send(res, 405, '', { Allow: ECHO_METHODS[first]! });
      return echoBody(ctx).then((info) => sendJson(res, 200, info));
    case 'anything':
      return echoBody(ctx).then((info) => sendJson(res, 200, info));
    case 'status': {
      const code = Number(second);
      if (!Number.isInteger(code) || code < 100 || code > 599) return send(res, 400, 'Invalid status code');
      const headers: Record<string, string> = [301, 302, 303, 305, 307, 308].includes(code) ? { Location: '/redirect/1' } : {};
      if (code === 401) headers['WWW-Authenticate'] = 'Basic realm="Fake Realm"';
      return send(res, code, '', headers);
    }
    case 'redirect-to': {
      const target = url.searchParams.get('url');
      if (!target) return send(res, 400, 'url is required');
      const status = Number(url.searchParams.get('status_code') ?? 302);
      return redirect(res, target, status >= 300 && status < 400 ? status : 302);
    }
    case 'redirect':
    case 'absolute-redirect':
    case 'relative-redirect': {
      const n = Number(second);
      if (!Number.isInteger(n) || n < 1) return send(res, 400, 'n must be a positive integer');
      const absolute = first === 'absolute-redirect' || (first === 'redirect' && url.searchParams.get('absolute') === 'true');
      const nextPath = n === 1 ? '/get' : `/${first}/${n - 1}`;
      return redirect(res, absolute ? hostBase + nextPath : nextPath);
    }
    case 'delay': {
      const seconds = Math.min(Number(second), 10);
      if (!Number.isFinite(seconds) || seconds < 0) return send(res, 400, 'bad delay');
      return new Promise<void>((resolve) =>
        ctx.later(seconds * 1000, () => {
          sendJson(res, 200, baseInfo(ctx));
          resolve();
        }),
      );
    }
    case 'cookies': {
      if (second === 'set') {
        const pairs: Array<[string, string]> = third !== undefined && path[3] !== undefined ? [[third, path[3]]] : [...url.searchParams];
        return send(res, 302, '', { Location: '/cookies', 'Set-Cookie': pairs.map(([k, v]) => `${k}=${v}; Path=/`) });
      }
      if (second === 'delete') {
        const names = [...url.searchParams.keys()];
        return send(res, 302, '', {
          Location: '/cookies',
          'Set-Cookie': names.map((k) => `${k}=; Expires=Thu, 01-Jan-1970 00:00:00 GMT; Max-Age=0; Path=/`),
        });
      }
      return sendJson(res, 200, { cookies: parseCookies(req.headers.cookie) });
    }
    case 'bytes': {
      const n = Math.min(Number(second), 100 * 1024 * 1024);
      if (!Number.isInteger(n) || n < 0) return send(res, 400, 'bad n');
      const seed = Number(url.searchParams.get('seed') ?? 42);
      return send(res, 200, seededBytes(n, seed), { 'Content-Type': 'application/octet-stream' });
    }
    case 'stream': {
      // httpbin's /stream/n: n JSON objects, one per line, each written as its own chunk.
      const n = Math.min(Number(second), 100);
      if (!Number.isInteger(n) || n < 0) return send(res, 400, 'bad n');
      res.writeHead(200, { 'Content-Type': 'application/json' });
      for (let id = 0; id < n; id++) {
        res.write(JSON.stringify({ url: `http://${req.headers.host ?? ''}${req.url ?? ''}`, args: Object.fromEntries(url.searchParams), headers: headersOf(req), origin: req.socket.remoteAddress, id }) + '\n');
      }
      res.end();
      return;
    }
    case 'stream-bytes': {
      const n = Math.min(Number(second), 100 * 1024 * 1024);
      if (!Number.isInteger(n) || n < 0) return send(res, 400, 'bad n');
      const seed = Number(url.searchParams.get('seed') ?? 42);
      const chunkSize = Math.max(1, Number(url.searchParams.get('chunk_size') ?? 10 * 1024));
      const bytes = seededBytes(n, seed);
      // No Content-Length: the body goes out chunked, like httpbin's.
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      for (let offset = 0; offset < n; offset += chunkSize) res.write(bytes.subarray(offset, offset + chunkSize));
      res.end();
      return;
    }
    case 'basic-auth': {
      const expected = 'Basic ' + Buffer.from(`${second ?? ''}:${third ?? ''}`).toString('base64');
      if (req.headers.authorization !== expected) {
        return send(res, 401, '', { 'WWW-Authenticate': 'Basic realm="Fake Realm"' });
      }
      return sendJson(res, 200, { authenticated: true, user: second });
    }
    case 'gzip':
    case 'deflate':
    case 'brotli': {
      const payload = Buffer.from(JSON.stringify({ [`${first === 'gzip' ? 'gzipped' : first === 'deflate' ? 'deflated' : 'brotli'}`]: true, headers: headersOf(req), method, origin: req.socket.remoteAddress }));
      const [encoding, body] =
        first === 'gzip' ? ['gzip', gzipSync(payload)] : first === 'deflate' ? ['deflate', deflateSync(payload)] : ['br', brotliCompressSync(payload)];
      return send(res, 200, body, { 'Content-Type': 'application/json', 'Content-Encoding': encoding });
    }
    case 'json':
      return sendJson(res, 200, SAMPLE_JSON);
    case 'html':
      return send(res, 200, '<!DOCTYPE html><html><body><h1>Herman Melville - Moby-Dick</h1></body></html>\n', {
        'Content-Type': 'text/html; charset=utf-8',
      });
    case 'encoding':
      return send(res, 200, UTF8_DEMO, { 'Content-Type': 'text/html; charset=utf-8' });
    case 'response-headers': {
      const headers: Record<string, string[]> = {};
      for (const [key, value] of url.searchParams) (headers[key] ??= []).push(value);
      const body: Record<string, string | string[]> = {};
      for (const [key, values] of Object.entries(headers)) body[key] = values.length === 1 ? values[0]! : values;
      return sendJson(res, 200, body, headers);
    }
    case 'drip': {
      const numbytes = Math.max(0, Math.min(Number(url.searchParams.get('numbytes') ?? 10), 10 * 1024 * 1024));
      const duration = Math.max(0, Number(url.searchParams.get('duration') ?? 2)) * 1000;
      const delay = Math.max(0, Number(url.searchParams.get('delay') ?? 0)) * 1000;
      const code = Number(url.searchParams.get('code') ?? 200);
      const pause = numbytes > 0 ? duration / numbytes : 0;
      return new Promise<void>((resolve) => {
        let sent = 0;
        const drip = () => {
          if (sent >= numbytes) {
            res.end();
            resolve();
            return;
          }
          res.write('*');
          sent++;
          ctx.later(pause, drip);
        };
        ctx.later(delay, () => {
          res.writeHead(code, { 'Content-Type': 'application/octet-stream', 'Content-Length': numbytes });
          res.flushHeaders();
          drip();
        });
      });
    }
    case 'etag': {
      const etag = `"${second ?? ''}"`;
      const ifNoneMatch = req.headers['if-none-match'];
      const ifMatch = req.headers['if-match'];
      if (ifNoneMatch !== undefined && (ifNoneMatch === '*' || ifNoneMatch.split(',').map((s) => s.trim()).includes(etag))) {
        return send(res, 304, '', { ETag: etag });
      }
      if (ifMatch !== undefined && ifMatch !== '*' && !ifMatch.split(',').map((s) => s.trim()).includes(etag)) {
        return send(res, 412, '');
      }
      return sendJson(res, 200, baseInfo(ctx), { ETag: etag });
    }
    case 'range':
      return serveRange(ctx, Number(second));
    case 'cache':
      return sendJson(res, 200, baseInfo(ctx), { 'Cache-Control': 'public, max-age=60' });
    default:
      return send(res, 404, `${STATUS_CODES[404]}: ${url.pathname}\n`, { 'Content-Type': 'text/plain' });
  }
}

/** /range/:n — honours Range, with Accept-Ranges, ETag and If-Range, like httpbin. */
function serveRange(ctx: Ctx, n: number): void {
  const { req, res } = ctx;
  if (!Number.isInteger(n) || n < 0 || n > 100 * 1024 * 1024) return send(res, 400, 'bad n');
  const body = rangeBody(n);
  const etag = `"range${n}-${createHash('sha1').update(body).digest('hex').slice(0, 8)}"`;
  const common = { 'Accept-Ranges': 'bytes', ETag: etag, 'Content-Type': 'application/octet-stream' };
  const range = req.headers.range;
  const ifRange = req.headers['if-range'];
  // A stale If-Range means "send everything": the client's partial copy is of another version.
  if (range === undefined || (ifRange !== undefined && ifRange !== etag)) return send(res, 200, body, common);
  const match = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  if (!match || (match[1] === '' && match[2] === '')) return send(res, 416, '', { ...common, 'Content-Range': `bytes */${n}` });
  let start: number;
  let end: number;
  if (match[1] === '') {
    start = Math.max(0, n - Number(match[2]));
    end = n - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? n - 1 : Math.min(Number(match[2]), n - 1);
  }
  if (start >= n || start > end) return send(res, 416, '', { ...common, 'Content-Range': `bytes */${n}` });
  return send(res, 206, body.subarray(start, end + 1), { ...common, 'Content-Range': `bytes ${start}-${end}/${n}` });
}

export async function startTestServer(): Promise<TestServer> {
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const path = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
      const own = new Set<NodeJS.Timeout>();
      res.on('close', () => {
        for (const timer of own) {
          clearTimeout(timer);
          timers.delete(timer);
        }
      });
      const ctx: Ctx = {
        req,
        res,
        url,
        path,
        body: Buffer.concat(chunks),
        later(ms, fn) {
          const timer = setTimeout(() => {
            own.delete(timer);
            timers.delete(timer);
            fn();
          }, ms);
          own.add(timer);
          timers.add(timer);
        },
      };
      Promise.resolve()
        .then(() => route(ctx))
        .catch((error: unknown) => {
          if (!res.headersSent) send(res, 500, String(error));
          else res.destroy();
        });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close() {
      closed ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
