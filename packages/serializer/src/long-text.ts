/**
 * Wires whose strings are long, which a pipe carries unpacked (packed-wire.ts):
 * JSON.stringify escapes a long string and JSON.parse unescapes it, where v8's
 * serializer copies it as it is. Measured: a task carrying a 5 MB JSON text
 * as a string crossed (encode, frame, v8, decode) in 42 ms packed, 6 ms as a tree.
 * encode() marks them; a wire made elsewhere is taken as short.
 */
import type { Wire } from './codec.js';

/** From this many UTF-16 code units of string values on, a wire crosses unpacked. */
export const LONG_TEXT_CHARS = 64 * 1024;

const long = new WeakSet<Wire>();

export function markLongText(wire: Wire, textLength: number): Wire {
  if (textLength >= LONG_TEXT_CHARS) long.add(wire);
  return wire;
}

export function hasLongText(wire: Wire): boolean {
  return long.has(wire);
}
