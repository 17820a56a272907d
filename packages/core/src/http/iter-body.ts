/**
 * requests' iter_content and iter_lines over a body's chunks as they arrive:
 * fixed-size pieces, and lines that may be split across chunks.
 */
import { TextDecoder } from 'node:util';

export interface IterContentOptions {
  /** Yield strings decoded with the response's encoding (UTF-8 when none) instead of bytes. */
  decodeUnicode?: boolean;
}

export interface IterLinesOptions extends IterContentOptions {
  /** Split on this exactly; default: any of \r\n, \n, \r (Python's bytes.splitlines). */
  delimiter?: string | Uint8Array;
  /** Size of the reads lines are cut from, bytes (requests' default 512). */
  chunkSize?: number | null;
}

/** requests' `chunk_size`: a positive integer, or null for chunks as they arrive. */
export function checkChunkSize(chunkSize: unknown, where: string): number | null {
  if (chunkSize === null) return null;
  if (typeof chunkSize !== 'number' || !Number.isInteger(chunkSize)) {
    throw new TypeError(`${where}: chunkSize must be an integer or null, it is instead a ${chunkSize === undefined ? 'undefined' : typeof chunkSize}`);
  }
  if (chunkSize < 1) throw new RangeError(`${where}: chunkSize must be at least 1, got ${chunkSize}`);
  return chunkSize;
}

/** Pieces of exactly `size` bytes (the last one may be shorter). */
/**
 * Pieces of exactly `size` bytes (the last one may be shorter). Bytes taken
 * from `source` but not yet handed out when the caller stops early go to
 * `putBack`, so that the next reader does not miss them.
 */
export async function* rechunk(source: AsyncIterable<Uint8Array>, size: number | null, putBack: (bytes: Uint8Array) => void = () => {}): AsyncGenerator<Uint8Array> {
  if (size === null) {
    yield* source;
    return;
  }
  let held: Uint8Array[] = [];
  let heldBytes = 0;
  let pending: Buffer | undefined;
  let offset = 0;
  try {
    for await (const chunk of source) {
      held.push(chunk);
      heldBytes += chunk.byteLength;
      if (heldBytes < size) continue;
      pending = Buffer.concat(held, heldBytes);
      held = [];
      heldBytes = 0;
      for (offset = 0; offset + size <= pending.byteLength; ) {
        const piece = new Uint8Array(pending.subarray(offset, offset + size));
        offset += size;
        yield piece;
      }
      if (offset < pending.byteLength) {
        held = [pending.subarray(offset)];
        heldBytes = pending.byteLength - offset;
      }
      pending = undefined;
    }
    if (heldBytes > 0) {
      const last = new Uint8Array(Buffer.concat(held, heldBytes));
      held = [];
      heldBytes = 0;
      yield last;
    }
  } finally {
    const unsent = pending !== undefined ? [pending.subarray(offset)] : held;
    const bytes = Buffer.concat(unsent);
    if (bytes.byteLength > 0) putBack(bytes);
  }
}

/** Decodes a stream of bytes, a character split across chunks included. */
export async function* decodeChunks(source: AsyncIterable<Uint8Array>, encoding: string | null): AsyncGenerator<string> {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(encoding ?? 'utf-8');
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  for await (const chunk of source) {
    const text = decoder.decode(chunk, { stream: true });
    if (text.length > 0) yield text;
  }
  const rest = decoder.decode();
  if (rest.length > 0) yield rest;
}

const CR = 0x0d;
const LF = 0x0a;

/**
 * Lines without their terminators. Without a delimiter a line ends at \r\n,
 * \n or \r; a \r that ends a chunk waits for the next one, so a \r\n split
 * across chunks is one line end. A body that ends with a line end yields no
 * trailing empty line (requests yields one per chunk with a delimiter: not kept).
 */
export async function* splitLines(source: AsyncIterable<Uint8Array>, delimiter: Uint8Array | null): AsyncGenerator<Uint8Array> {
  let pending: Buffer = Buffer.alloc(0);
  for await (const chunk of source) {
    pending = pending.byteLength === 0 ? Buffer.from(chunk) : Buffer.concat([pending, chunk]);
    let start = 0;
    for (;;) {
      const end = delimiter === null ? lineEnd(pending, start) : delimiterEnd(pending, start, delimiter);
      if (end === null) break;
      yield new Uint8Array(pending.subarray(start, end.at));
      start = end.next;
    }
    pending = pending.subarray(start);
  }
  if (pending.byteLength > 0) {
    // A lone \r at the very end was a line end after all.
    const last = delimiter === null && pending[pending.byteLength - 1] === CR ? pending.byteLength - 1 : pending.byteLength;
    yield new Uint8Array(pending.subarray(0, last));
  }
}

interface LineEnd {
  at: number;
  next: number;
}

function lineEnd(buffer: Buffer, from: number): LineEnd | null {
  for (let i = from; i < buffer.byteLength; i++) {
    const byte = buffer[i];
    if (byte === LF) return { at: i, next: i + 1 };
    if (byte === CR) {
      if (i + 1 === buffer.byteLength) return null; // maybe \r\n across chunks
      return { at: i, next: buffer[i + 1] === LF ? i + 2 : i + 1 };
    }
  }
  return null;
}

function delimiterEnd(buffer: Buffer, from: number, delimiter: Uint8Array): LineEnd | null {
  const at = buffer.indexOf(delimiter, from);
  return at === -1 ? null : { at, next: at + delimiter.byteLength };
}

export function delimiterBytes(delimiter: string | Uint8Array | undefined): Uint8Array | null {
  if (delimiter === undefined) return null;
  const bytes = typeof delimiter === 'string' ? Buffer.from(delimiter, 'utf8') : delimiter;
  if (!(bytes instanceof Uint8Array) || bytes.byteLength === 0) {
    throw new TypeError(`iterLines: delimiter must be a non-empty string or Uint8Array, got ${describe(delimiter)}`);
  }
  return bytes;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  return value === null ? 'null' : typeof value;
}
