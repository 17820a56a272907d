/**
 * multipart/form-data as requests' _encode_files writes it with urllib3's
 * RequestField: the data fields first (no Content-Type of their own, bytes
 * sent as they are), then the files, each part with Content-Disposition, its
 * Content-Type when one was given, then its own headers (requests' 4th tuple
 * element). A part's content may be a stream, so the body is a BodySource:
 * sent with Content-Length when every part's length is known, else chunked,
 * and sent again on a 307/308 only when every part can be read again.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { BodySource, type SendingRequest } from './body-source.js';

export interface MultipartPart {
  name: string;
  /** null: a plain form field (no filename parameter). */
  filename: string | null;
  content: string | Uint8Array | BodySource;
  contentType?: string | undefined;
  /** Sent after Content-Disposition and Content-Type, in order. */
  headers?: Readonly<Record<string, string>> | undefined;
}

const CRLF = '\r\n';

/** urllib3's format_multipart_header_param (HTML5 form encoding): `"` as %22, `\` doubled, control characters as %XX. */
function headerParam(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '%22').replace(/[\x00-\x1f]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
}

function partHeader(boundary: string, part: MultipartPart): Buffer {
  let head = `--${boundary}${CRLF}Content-Disposition: form-data; name="${headerParam(part.name)}"`;
  if (part.filename !== null) head += `; filename="${headerParam(part.filename)}"`;
  head += CRLF;
  const own = Object.entries(part.headers ?? {}).filter(([name]) => name.toLowerCase() !== 'content-disposition');
  const contentType = part.contentType ?? own.find(([name]) => name.toLowerCase() === 'content-type')?.[1];
  if (contentType !== undefined) head += `Content-Type: ${contentType}${CRLF}`;
  for (const [name, value] of own) {
    if (name.toLowerCase() === 'content-type') continue;
    if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) throw new TypeError(`files.${part.name}: part header ${JSON.stringify(name)} holds a line break`);
    head += `${name}: ${value}${CRLF}`;
  }
  return Buffer.from(head + CRLF, 'utf8');
}

function contentLength(content: MultipartPart['content']): number | undefined {
  if (content instanceof BodySource) return content.length;
  return typeof content === 'string' ? Buffer.byteLength(content, 'utf8') : content.byteLength;
}

/** The multipart body of `parts` and its Content-Type (with the boundary). */
export function multipartBody(parts: readonly MultipartPart[], boundary = randomBytes(16).toString('hex')): { source: BodySource; contentType: string } {
  // Headers are built now, so a bad part header fails before anything is sent.
  const heads = parts.map((part) => partHeader(boundary, part));
  const tail = Buffer.from(`--${boundary}--${CRLF}`);
  let length: number | undefined = tail.length;
  for (const [index, part] of parts.entries()) {
    const partLength = contentLength(part.content);
    length = length === undefined || partLength === undefined ? undefined : length + heads[index]!.length + partLength + CRLF.length;
  }
  const rereadable = parts.every((part) => !(part.content instanceof BodySource) || part.content.canRewind);
  async function* encode(request: SendingRequest): AsyncGenerator<Uint8Array> {
    for (const [index, part] of parts.entries()) {
      yield heads[index]!;
      const content = part.content;
      if (content instanceof BodySource) {
        for await (const chunk of content.stream(request)) yield typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array);
      } else {
        yield typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
      }
      yield Buffer.from(CRLF);
    }
    yield tail;
  }
  const source = BodySource.composed((request) => Readable.from(encode(request), { objectMode: false }), length, rereadable, 'a multipart body with streamed parts');
  return { source, contentType: `multipart/form-data; boundary=${boundary}` };
}
