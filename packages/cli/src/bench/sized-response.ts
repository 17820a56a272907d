/**
 * The socket client's fast path: most answers under load arrive as one
 * chunk holding exactly one HTTP/1.1 response framed by Content-Length, and
 * for those the status code is all rf bench keeps. Reading it from the bytes
 * skips http-parser-js's header strings, its regular expression per header
 * line and its state dispatch, the largest part of rf's own CPU per request
 * (profiled against nginx). A head that arrives whole with only part of its
 * body (nginx sends the head and a sendfile body apart, and a busy client
 * often reads between the two) is read the same way; the rest of the body is
 * then only counted. Anything else (chunked, a close, a head split over
 * reads, 1xx/204/304, another version, a malformed head, bytes past the body)
 * goes to http-parser-js as before.
 */
const CR = 0x0d;
const LF = 0x0a;
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
const STATUS_PREFIX = Buffer.from('HTTP/1.1 ', 'latin1');
const CONTENT_LENGTH = Buffer.from('content-length:', 'latin1');
const CONNECTION = Buffer.from('connection:', 'latin1');
const TRANSFER_ENCODING = Buffer.from('transfer-encoding:', 'latin1');
const CLOSE = Buffer.from('close', 'latin1');

const isDigit = (byte: number) => byte >= 0x30 && byte <= 0x39;
const lower = (byte: number) => (byte >= 0x41 && byte <= 0x5a ? byte | 0x20 : byte);

/** Whether the header line at `start` begins with `name` (lower case, colon included), ignoring case. */
function nameIs(chunk: Buffer, start: number, end: number, name: Buffer): boolean {
  if (end - start < name.length) return false;
  for (let i = 0; i < name.length; i += 1) if (lower(chunk[start + i]!) !== name[i]) return false;
  return true;
}

/** Whether `word` (lower case) occurs in chunk[start, end), ignoring case. */
function contains(chunk: Buffer, start: number, end: number, word: Buffer): boolean {
  for (let at = start; at + word.length <= end; at += 1) {
    let i = 0;
    while (i < word.length && lower(chunk[at + i]!) === word[i]) i += 1;
    if (i === word.length) return true;
  }
  return false;
}

/** A keep-alive HTTP/1.1 response head sized by Content-Length, and how much of its body is still to come. */
export interface SizedHead {
  status: number;
  /** Body bytes not in the chunk (0: the chunk is the whole response). */
  bodyMissing: number;
}

/** The status code if `chunk` is exactly one complete keep-alive HTTP/1.1 response sized by Content-Length; else -1. */
export function sizedResponseStatus(chunk: Buffer): number {
  const head = readSizedHead(chunk);
  return head !== undefined && head.bodyMissing === 0 ? head.status : -1;
}

/**
 * The head if `chunk` starts with a whole keep-alive HTTP/1.1 response head
 * sized by Content-Length and holds nothing past its body (all of it or a
 * first part); else undefined.
 */
export function readSizedHead(chunk: Buffer): SizedHead | undefined {
  if (chunk.length < 16 || chunk.compare(STATUS_PREFIX, 0, 9, 0, 9) !== 0) return undefined;
  const [d1, d2, d3] = [chunk[9]!, chunk[10]!, chunk[11]!];
  if (!isDigit(d1) || !isDigit(d2) || !isDigit(d3) || (chunk[12] !== 0x20 && chunk[12] !== CR)) return undefined;
  const status = (d1 - 0x30) * 100 + (d2 - 0x30) * 10 + (d3 - 0x30);
  // No body whatever the headers say (1xx, 204, 304): the parser knows those rules.
  if (status < 200 || status === 204 || status === 304) return undefined;
  const headEnd = chunk.indexOf(HEAD_END, 12);
  if (headEnd === -1) return undefined;
  let contentLength = -1;
  const statusLineEnd = chunk.indexOf(LF, 12);
  if (chunk[statusLineEnd - 1] !== CR) return undefined;
  let line = statusLineEnd + 1;
  while (line < headEnd + 2) {
    let lineEnd = chunk.indexOf(LF, line);
    if (lineEnd === -1 || lineEnd > headEnd + 2 || chunk[lineEnd - 1] !== CR) return undefined;
    lineEnd -= 1;
    if (nameIs(chunk, line, lineEnd, TRANSFER_ENCODING)) return undefined;
    // Keep-alive is HTTP/1.1's default; a close is the parser's to handle.
    if (nameIs(chunk, line, lineEnd, CONNECTION) && contains(chunk, line + CONNECTION.length, lineEnd, CLOSE)) return undefined;
    if (nameIs(chunk, line, lineEnd, CONTENT_LENGTH)) {
      if (contentLength !== -1) return undefined;
      let i = line + CONTENT_LENGTH.length;
      while (chunk[i] === 0x20 || chunk[i] === 0x09) i += 1;
      if (i === lineEnd) return undefined;
      contentLength = 0;
      for (; i < lineEnd; i += 1) {
        const byte = chunk[i]!;
        if (byte === 0x20 || byte === 0x09) break;
        if (!isDigit(byte) || contentLength > 1e12) return undefined;
        contentLength = contentLength * 10 + (byte - 0x30);
      }
      for (; i < lineEnd; i += 1) if (chunk[i] !== 0x20 && chunk[i] !== 0x09) return undefined;
    }
    line = lineEnd + 2;
  }
  if (contentLength === -1) return undefined;
  const bodyMissing = headEnd + 4 + contentLength - chunk.length;
  return bodyMissing >= 0 ? { status, bodyMissing } : undefined;
}
