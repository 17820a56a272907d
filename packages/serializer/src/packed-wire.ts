/**
 * A Wire as it crosses a process pipe: its json and meta as one JSON text,
 * its buffers as bytes. Node's 'advanced' IPC serialization (v8's
 * ValueSerializer) rebuilds an object tree property by property, which made
 * reading the replies of small requests the coordinator's largest single cost
 * (perf, benchmarks/cpu/cpu-per-get.mjs); a string crosses as one copy, and
 * JSON.parse builds the same tree several times faster. The text holds a tree
 * by construction, so decode() keeps working in place.
 */
import type { Wire } from './codec.js';
import { WireFormatError } from './wire-format-error.js';

export interface PackedWire {
  /** `JSON.stringify([json, meta])`, meta omitted when there is none. */
  readonly text: string;
  readonly buffers: Uint8Array[];
}

/** The packed form of what encode() made (its json is JSON-safe by construction). */
export function packWire(wire: Wire): PackedWire {
  return { text: JSON.stringify(wire.meta === undefined ? [wire.json] : [wire.json, wire.meta]), buffers: wire.buffers };
}

export function isPackedWire(wire: unknown): wire is PackedWire {
  return typeof wire === 'object' && wire !== null && typeof (wire as { text?: unknown }).text === 'string';
}

/** The Wire packWire() packed; a text it did not make is a WireFormatError. */
export function unpackWire(packed: PackedWire): Wire {
  let parts: unknown;
  try {
    parts = JSON.parse(packed.text);
  } catch (error) {
    throw new WireFormatError('a packed wire\'s text is not JSON', { cause: error });
  }
  if (!Array.isArray(parts) || parts.length < 1 || parts.length > 2) throw new WireFormatError('a packed wire\'s text must be [json] or [json, meta]');
  return parts.length === 1 ? { json: parts[0], buffers: packed.buffers } : { json: parts[0], meta: parts[1], buffers: packed.buffers };
}
