/**
 * requests.Response. The serializer rebuilds it from its own enumerable
 * properties without calling the constructor, so every piece of state is a
 * plain own data property and everything computed (`ok`, `text`) is a
 * prototype getter. Anything a hook adds (`resp.data = resp.json()`) is an own
 * property too, so it travels back from a child process.
 */
import { STATUS_CODES } from 'node:http';
import type { Readable } from 'node:stream';
import { registerClass } from '@requests-futures/serializer';
import { HTTPError } from './errors.js';
import { CaseInsensitiveHeaders } from './headers.js';
import { parseJsonBody } from './json-body.js';
import { apparentEncoding } from './apparent-encoding.js';
import { linksByRel, type Link } from './link-header.js';
import { checkChunkSize, decodeChunks, delimiterBytes, rechunk, splitLines, type IterContentOptions, type IterLinesOptions } from './iter-body.js';
import { bodyChunks, closeBody, putBack, rawBody, readRest } from './streamed-body.js';
import { decodeText, encodingFromContentType } from './text-encoding.js';

export interface ResponseRequest {
  method: string;
  url: string;
  headers: CaseInsensitiveHeaders;
}

/** One Set-Cookie header and the URL that sent it, so a jar elsewhere can store it. */
export interface SetCookieRecord {
  url: string;
  header: string;
}

export interface ResponseInit {
  statusCode: number;
  reason?: string;
  url: string;
  headers: CaseInsensitiveHeaders;
  content?: Uint8Array;
  history?: Response[];
  elapsed?: number;
  request: ResponseRequest;
  cookies?: Record<string, string>;
  setCookies?: SetCookieRecord[];
  next?: ResponseRequest | null;
  savedTo?: string;
  bytes?: number;
  sha256?: string;
}

export class Response {
  statusCode: number;
  reason: string;
  url: string;
  headers: CaseInsensitiveHeaders;
  content: Uint8Array;
  /** Charset used by `text`; null means "not declared" (decoded as UTF-8). Settable, as in requests. */
  encoding: string | null;
  history: Response[];
  /** Milliseconds from sending the request to the response headers (requests' `elapsed`). */
  elapsed: number;
  request: ResponseRequest;
  /** Cookies this response set: name → value. */
  cookies: Record<string, string>;
  /** Every Set-Cookie seen along the redirect chain, in order. */
  setCookies: SetCookieRecord[];
  // `declare`: present only for saveTo responses (no class-field initialiser).
  declare savedTo?: string;
  declare bytes?: number;
  declare sha256?: string;
  /**
   * requests' `next`: with `allowRedirects: false`, the request a redirect
   * response leads to (method, URL and headers as they would be sent); null otherwise.
   */
  next: ResponseRequest | null;
  /** saveTo + resume: the target was already complete and was not downloaded again. */
  declare kept?: boolean;
  /** stream: true across processes: names the body streaming from the child, until the body is claimed here (streamed-body.ts). */
  declare remoteBody?: string;
  /**
   * What a response hook computed (`resp.data = resp.json()`, as in the
   * requests-futures README); it travels back from a worker like every own
   * property. For fields of your own with their own types, augment the class:
   * `declare module '@requests-futures/core' { interface Response { parsed?: Item } }`.
   */
  declare data?: unknown;

  constructor(init: ResponseInit) {
    this.statusCode = init.statusCode;
    this.reason = init.reason || STATUS_CODES[init.statusCode] || '';
    this.url = init.url;
    this.headers = init.headers;
    this.content = init.content ?? new Uint8Array(0);
    this.encoding = encodingFromContentType(init.headers.get('content-type'));
    this.history = init.history ?? [];
    this.elapsed = init.elapsed ?? 0;
    this.request = init.request;
    this.cookies = init.cookies ?? {};
    this.setCookies = init.setCookies ?? [];
    this.next = init.next ?? null;
    if (init.savedTo !== undefined) this.savedTo = init.savedTo;
    if (init.bytes !== undefined) this.bytes = init.bytes;
    if (init.sha256 !== undefined) this.sha256 = init.sha256;
  }

  /** True unless the status is 4xx or 5xx (requests' `ok`). */
  get ok(): boolean {
    return this.statusCode < 400;
  }

  /** A redirect that could be followed: a Location and 301, 302, 303, 307 or 308 (requests' is_redirect). */
  get isRedirect(): boolean {
    return this.headers.has('location') && [301, 302, 303, 307, 308].includes(this.statusCode);
  }

  /** A Location and 301 or 308 (requests' is_permanent_redirect). */
  get isPermanentRedirect(): boolean {
    return this.headers.has('location') && (this.statusCode === 301 || this.statusCode === 308);
  }

  /** The Link header parsed, by `rel` (or URL): `{ next: { url, rel: 'next' } }`, as requests' `links`. */
  get links(): Record<string, Link> {
    return linksByRel(this.headers.get('link'));
  }

  /** The charset the body looks like (chardet), whatever the headers declare; null for an empty body. */
  get apparentEncoding(): string | null {
    return apparentEncoding(this.content);
  }

  get text(): string {
    return decodeText(this.content, this.encoding);
  }

  /** The body as JSON (see json-body.ts); JSONDecodeError, with the body as its `doc`, when it is not. */
  json(): any {
    return parseJsonBody(this.content, this.encoding, () => this.text, { method: this.request.method, url: this.url });
  }

  /**
   * The rest of the body, which then stays in `content` (`text`, `json()`):
   * with `stream: true` the body is read here, or by iteration; otherwise it
   * was read before the future resolved and this returns `content`.
   */
  read(): Promise<Uint8Array> {
    return readRest(this);
  }

  /**
   * requests' iter_content: the body in pieces of `chunkSize` bytes (default 1,
   * as requests; null: chunks as they arrive). A loop left early leaves the
   * rest unread for the next iteration or `read()`.
   */
  iterContent(chunkSize?: number | null): AsyncGenerator<Uint8Array>;
  iterContent(chunkSize: number | null | undefined, options: IterContentOptions & { decodeUnicode: true }): AsyncGenerator<string>;
  iterContent(chunkSize: number | null = 1, options: IterContentOptions = {}): AsyncGenerator<Uint8Array | string> {
    const sized = rechunk(bodyChunks(this), checkChunkSize(chunkSize, 'iterContent'), (bytes) => putBack(this, bytes));
    return options.decodeUnicode ? decodeChunks(sized, this.encoding) : sized;
  }

  /** requests' iter_lines: lines without their terminators, as bytes (strings with `decodeUnicode`). */
  iterLines(options?: IterLinesOptions & { decodeUnicode?: false }): AsyncGenerator<Uint8Array>;
  iterLines(options: IterLinesOptions & { decodeUnicode: true }): AsyncGenerator<string>;
  iterLines(options: IterLinesOptions = {}): AsyncGenerator<Uint8Array | string> {
    const delimiter = delimiterBytes(options.delimiter);
    const lines = splitLines(rechunk(bodyChunks(this), checkChunkSize(options.chunkSize ?? 512, 'iterLines')), delimiter);
    return options.decodeUnicode ? decodeLines(lines, this.encoding) : lines;
  }

  /** The body as a Node Readable (decompressed): the live stream of a `stream: true` response. */
  get raw(): Readable {
    return rawBody(this);
  }

  /** Releases the connection of a body not read to its end (requests' close()); harmless otherwise. */
  close(): void {
    closeBody(this);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }

  /** Throws HTTPError for 4xx/5xx, with requests' message. */
  raiseForStatus(): void {
    const kind = this.statusCode >= 400 && this.statusCode < 500 ? 'Client' : this.statusCode >= 500 && this.statusCode < 600 ? 'Server' : null;
    if (kind === null) return;
    throw new HTTPError(`${this.statusCode} ${kind} Error: ${this.reason} for url: ${this.url}`, {
      request: { method: this.request.method, url: this.url },
      response: this,
    });
  }
}

async function* decodeLines(lines: AsyncIterable<Uint8Array>, encoding: string | null): AsyncGenerator<string> {
  for await (const line of lines) yield decodeText(line, encoding);
}

registerClass(Response, 'rf.Response');
