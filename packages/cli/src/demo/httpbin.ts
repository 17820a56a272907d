/**
 * A few httpbin.org endpoints, enough for the README examples to run against
 * the demo server instead of the internet: /get, /post, /put, /patch,
 * /delete, /anything, /headers, /ip, /user-agent, /delay/:s, /status/:code,
 * /cookies, /cookies/set. Bodies have httpbin's shape (args, headers with
 * Title-Case names, url, json, form, data).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The longest /delay/:s honoured, seconds (httpbin caps at 10 too). */
export const MAX_DELAY_SECONDS = 10;

function titleCase(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers[titleCase(req.rawHeaders[i].toLowerCase())] = req.rawHeaders[i + 1];
  return headers;
}

function argsOf(url: URL): Record<string, string | string[]> {
  const args: Record<string, string | string[]> = {};
  for (const [key, value] of url.searchParams) {
    const previous = args[key];
    args[key] = previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [previous, value];
  }
  return args;
}

function cookiesOf(req: IncomingMessage): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const pair of (req.headers.cookie ?? '').split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0) cookies[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return cookies;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string | string[]> = {}): void {
  const body = JSON.stringify(value, null, 2);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

async function echo(req: IncomingMessage, url: URL, res: ServerResponse, withBody: boolean): Promise<void> {
  const body = await readBody(req);
  const reply: Record<string, unknown> = {
    args: argsOf(url),
    headers: headersOf(req),
    origin: req.socket.remoteAddress ?? '',
    // httpbin reports the URL as the client addressed it.
    url: new URL(`${url.pathname}${url.search}`, `http://${req.headers.host ?? '127.0.0.1'}`).href,
  };
  if (withBody) {
    const text = body.toString('utf8');
    const type = req.headers['content-type'] ?? '';
    let json: unknown = null;
    if (type.includes('application/json')) {
      try {
        json = JSON.parse(text);
      } catch {
        json = null;
      }
    }
    reply.data = type.includes('application/x-www-form-urlencoded') ? '' : text;
    reply.form = type.includes('application/x-www-form-urlencoded') ? Object.fromEntries(new URLSearchParams(text)) : {};
    reply.json = json;
    reply.method = req.method;
  }
  sendJson(res, 200, reply);
}

const METHOD_ROUTES: Record<string, string> = { '/get': 'GET', '/post': 'POST', '/put': 'PUT', '/patch': 'PATCH', '/delete': 'DELETE' };

/** Answers the request if it is an httpbin route; false when it is not one. */
export async function handleHttpbin(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const route = url.pathname;
  const method = req.method ?? 'GET';
  if (route in METHOD_ROUTES) {
    if (method !== METHOD_ROUTES[route] && !(method === 'HEAD' && route === '/get')) {
      sendJson(res, 405, { error: `${route} takes ${METHOD_ROUTES[route]}` });
      return true;
    }
    await echo(req, url, res, method !== 'GET' && method !== 'HEAD');
    return true;
  }
  if (route === '/anything' || route.startsWith('/anything/')) {
    await echo(req, url, res, true);
    return true;
  }
  if (route === '/headers') {
    sendJson(res, 200, { headers: headersOf(req) });
    return true;
  }
  if (route === '/ip') {
    sendJson(res, 200, { origin: req.socket.remoteAddress ?? '' });
    return true;
  }
  if (route === '/user-agent') {
    sendJson(res, 200, { 'user-agent': req.headers['user-agent'] ?? null });
    return true;
  }
  const delay = /^\/delay\/(\d+(?:\.\d+)?)$/.exec(route);
  if (delay) {
    const seconds = Math.min(Number(delay[1]), MAX_DELAY_SECONDS);
    const timer = setTimeout(() => void echo(req, url, res, method !== 'GET' && method !== 'HEAD'), seconds * 1000);
    // A client that gives up must not keep the server (and the demo) waiting.
    res.once('close', () => clearTimeout(timer));
    return true;
  }
  const status = /^\/status\/(\d{3})$/.exec(route);
  if (status) {
    res.writeHead(Number(status[1]), { 'Content-Length': 0 });
    res.end();
    return true;
  }
  if (route === '/cookies') {
    sendJson(res, 200, { cookies: cookiesOf(req) });
    return true;
  }
  if (route === '/cookies/set') {
    const setCookies = [...url.searchParams].map(([name, value]) => `${name}=${value}; Path=/`);
    res.writeHead(302, { Location: '/cookies', 'Set-Cookie': setCookies, 'Content-Length': 0 });
    res.end();
    return true;
  }
  return false;
}
