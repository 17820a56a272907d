/**
 * The default load client for http:// URLs: `connections` keep-alive TCP
 * sockets, the request serialized once into one Buffer and written as is, the
 * answers read by sized-response.ts when their head comes whole and sized
 * (a body that follows in later reads only counted), else parsed by
 * http-parser-js (the parser autocannon uses), and dropped; only
 * the status code is kept. node:http's client builds a ClientRequest, an
 * IncomingMessage stream and the agent's bookkeeping for every request, which
 * cost rf bench more than half of autocannon's rate on loopback
 * (packages/cli/README.md, rf bench). https:// URLs keep the node:http client.
 */
import net from 'node:net';
import httpParser from 'http-parser-js';
import type { LoadClient } from './client.js';
import { httpErrorKind, loadTimeoutError } from './http-error-kind.js';
import { requestHeaders } from './request-headers.js';
import { readSizedHead } from './sized-response.js';
import type { LoadSpec } from './load-spec.js';

const { HTTPParser } = httpParser;

type Settle = { resolve: (value: { statusCode: number }) => void; reject: (error: unknown) => void };

/** The request, bytes ready to write: request line, headers (Host first), blank line, body. */
export function serializeRequest(url: URL, spec: LoadSpec): Buffer {
  const headers = requestHeaders(url, spec);
  const lines = [`${spec.method} ${url.pathname}${url.search} HTTP/1.1`];
  if (!Object.keys(headers).some((name) => name.toLowerCase() === 'host')) lines.push(`Host: ${url.host}`);
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return spec.body === undefined ? head : Buffer.concat([head, Buffer.from(spec.body)]);
}

/** HTTP/1.1 keeps the connection unless told "close"; 1.0 only when told "keep-alive". Headers: [name, value, ...]. */
function keepsAlive(versionMinor: number, headers: string[]): boolean {
  let connection = '';
  for (let i = 0; i < headers.length; i += 2) if (headers[i]!.toLowerCase() === 'connection') connection = headers[i + 1]!.toLowerCase();
  return versionMinor >= 1 ? !connection.includes('close') : connection.includes('keep-alive');
}

/** One keep-alive socket, one request at a time. Reconnects when the server closes it. */
class Connection {
  private socket: net.Socket | undefined;
  private readonly parser = new HTTPParser(HTTPParser.RESPONSE);
  private pending: Settle | undefined;
  /** The socket the pending request was written to: events of an older socket must not settle it. */
  private pendingOn: net.Socket | undefined;
  private statusCode = 0;
  private headersSeen = false;
  private keepAlive = true;
  /** Between messages: a chunk may take the fast path (sized-response.ts); mid-message it belongs to the parser. */
  private parserIdle = true;
  /** Fast path, head read: body bytes still to come before the answer is complete. */
  private bodyLeft = 0;

  constructor(
    private readonly port: number,
    private readonly host: string,
    private readonly request: Buffer,
    private readonly timeoutMs: number,
    private readonly head: boolean,
    private readonly bodyErrors: WeakSet<object>,
    private readonly counter: { closedBytes: number; live: Set<net.Socket> },
    /**
     * Called when this connection's request settled, before its caller hears
     * of it, so the connection is free again first: one function for the
     * client's life rather than a pair of closures per request (the bundle's
     * keepNames names each closure it creates, a defineProperty per request).
     */
    private readonly released: (connection: Connection) => void,
  ) {
    this.parser[HTTPParser.kOnHeadersComplete] = (info) => {
      this.statusCode = info.statusCode;
      // The parser calls a bodiless answer without a length "not keep-alive"; to HEAD that is the normal answer.
      this.keepAlive = this.head ? keepsAlive(info.versionMinor, info.headers) : info.shouldKeepAlive;
      this.headersSeen = true;
      // 1: no body follows (HEAD), as node's parser is told.
      return this.head ? 1 : 0;
    };
    this.parser[HTTPParser.kOnBody] = () => {};
    this.parser[HTTPParser.kOnMessageComplete] = () => {
      this.parserIdle = true;
      this.complete();
    };
  }

  send(settle: Settle): void {
    this.pending = settle;
    this.statusCode = 0;
    this.headersSeen = false;
    this.bodyLeft = 0;
    const socket = this.socket ?? this.connect();
    this.pendingOn = socket;
    socket.write(this.request);
  }

  close(): void {
    this.socket?.destroy();
  }

  private connect(): net.Socket {
    const socket = net.connect(this.port, this.host);
    socket.setNoDelay(true);
    // Armed once: node re-arms it on every read and write, so it measures silence
    // since the last byte; setting and clearing it per request cost ~3 % of rf's CPU.
    socket.setTimeout(this.timeoutMs);
    this.socket = socket;
    this.counter.live.add(socket);
    this.parser.initialize(HTTPParser.RESPONSE);
    this.parserIdle = true;
    const onData = (chunk: Buffer): void => {
      if (this.bodyLeft > 0 && this.pendingOn === socket) {
        if (chunk.length < this.bodyLeft) {
          this.bodyLeft -= chunk.length;
          return;
        }
        // The body is complete; bytes past it (unasked for) go where the parser path would send them.
        const rest = chunk.subarray(this.bodyLeft);
        this.bodyLeft = 0;
        this.complete();
        if (rest.length > 0) onData(rest);
        return;
      }
      if (this.parserIdle && !this.head && this.pendingOn === socket) {
        const sized = readSizedHead(chunk);
        if (sized !== undefined) {
          this.statusCode = sized.status;
          this.keepAlive = true;
          if (sized.bodyMissing === 0) this.complete();
          else {
            // Counted, not parsed, as it arrives; a hang-up before its end is a body error, as the parser would say.
            this.headersSeen = true;
            this.bodyLeft = sized.bodyMissing;
          }
          return;
        }
      }
      this.parserIdle = false;
      const result = this.parser.execute(chunk);
      if (result instanceof Error) this.fail(result, socket);
    };
    socket.on('data', onData);
    socket.on('timeout', () => {
      // Silence between requests (rate mode, a warm-up's end) is no timeout.
      if (this.pending && this.pendingOn === socket) this.fail(loadTimeoutError(socket.connecting), socket);
    });
    socket.on('error', (error) => this.fail(error, socket));
    socket.on('end', () => {
      // A body that runs until the connection closes ends here.
      const result = this.parser.finish();
      if (result instanceof Error) this.fail(result, socket);
      else this.fail(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), socket);
    });
    socket.on('close', () => {
      this.counter.closedBytes += socket.bytesRead;
      this.counter.live.delete(socket);
      if (this.socket === socket) this.socket = undefined;
      this.fail(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), socket);
    });
    return socket;
  }

  private complete(): void {
    const settle = this.pending;
    this.pending = undefined;
    this.pendingOn = undefined;
    if (!this.keepAlive) {
      this.socket?.destroy();
      this.socket = undefined;
    }
    if (!settle) return;
    this.released(this);
    settle.resolve({ statusCode: this.statusCode });
  }

  /** The request in flight on `socket` fails (once); the socket is not reused. */
  private fail(error: unknown, socket: net.Socket): void {
    if (this.socket === socket) this.socket = undefined;
    if (this.pendingOn === socket) this.bodyLeft = 0;
    socket.destroy();
    const settle = this.pending;
    if (!settle || this.pendingOn !== socket) return;
    this.pending = undefined;
    this.pendingOn = undefined;
    if (this.headersSeen && typeof error === 'object' && error !== null) this.bodyErrors.add(error);
    this.released(this);
    settle.reject(error);
  }
}

export function openSocketClient(spec: LoadSpec): LoadClient {
  const url = new URL(spec.url);
  const request = serializeRequest(url, spec);
  const timeoutMs = Math.max(1, Math.round(spec.timeoutSeconds * 1000));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port === '' ? 80 : Number(url.port);
  const bodyErrors = new WeakSet<object>();
  const counter = { closedBytes: 0, live: new Set<net.Socket>() };
  const head = spec.method === 'HEAD';
  // Requests waiting for a connection (only when more are sent than there are connections, e.g. after a warm-up's cut-off ones).
  const waiting: Settle[] = [];
  const idle: Connection[] = [];
  const release = (connection: Connection) => {
    const next = waiting.shift();
    if (next) connection.send(next);
    else idle.push(connection);
  };
  idle.push(...Array.from({ length: Math.max(1, spec.connections) }, () => new Connection(port, host, request, timeoutMs, head, bodyErrors, counter, release)));
  const all = [...idle];

  return {
    send: () =>
      new Promise<{ statusCode: number }>((resolve, reject) => {
        const connection = idle.pop();
        if (connection) connection.send({ resolve, reject });
        else waiting.push({ resolve, reject });
      }),
    errorKind: (error) => httpErrorKind(error, typeof error === 'object' && error !== null && bodyErrors.has(error) ? 'body' : 'request'),
    bytesRead: () => {
      let total = counter.closedBytes;
      for (const socket of counter.live) total += socket.bytesRead;
      return total;
    },
    close: async () => {
      waiting.length = 0;
      for (const connection of all) connection.close();
    },
  };
}
