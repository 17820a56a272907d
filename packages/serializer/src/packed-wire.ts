/**
 * A Wire as it crosses a process pipe: its json and its meta each as one JSON
 * text, its buffers as bytes. Node's 'advanced' IPC serialization (v8's
 * ValueSerializer) rebuilds an object tree property by property, which made
 * reading the replies of small requests the coordinator's largest single cost
 * (perf, benchmarks/cpu/cpu-per-get.mjs); a string crosses as one copy, and
 * JSON.parse builds the same tree several times faster. The text holds a tree
 * by construction, so decode() keeps working in place.
 *
 * The meta travels apart because it repeats: every reply of a kind carries the
 * same annotations (a Response, its headers, its body), so the reader parses
 * and checks each distinct meta text once (decodePacked).
 */
import { resolvingBinaryParts } from './binary-channel.js';
import type { Wire } from './codec.js';
import { canFastDeserialize, compileAnnotations } from './fast-deserialize.js';
import { hasLongText } from './long-text.js';
import { WireFormatError } from './wire-format-error.js';

export interface PackedWire {
  /** `JSON.stringify(wire.json)`. */
  readonly text: string;
  /** `JSON.stringify(wire.meta)`, when there is a meta. */
  readonly meta?: string;
  readonly buffers: Uint8Array[];
}

/**
 * The form a pipe should carry what encode() made in: packed (its json is
 * JSON-safe by construction), unless its strings are long (long-text.ts), when
 * the tree itself crosses cheaper.
 */
export function packWire(wire: Wire): PackedWire | Wire {
  if (hasLongText(wire)) return wire;
  const text = JSON.stringify(wire.json);
  return wire.meta === undefined ? { text, buffers: wire.buffers } : { text, meta: JSON.stringify(wire.meta), buffers: wire.buffers };
}

export function isPackedWire(wire: unknown): wire is PackedWire {
  return typeof wire === 'object' && wire !== null && typeof (wire as { text?: unknown }).text === 'string';
}

/** Metas the fast path can apply, by their text, each compiled once (fast-deserialize.ts) for every wire that carries it. */
const checkedMetas = new Map<string, (json: unknown) => unknown>();
/** Bounds the cache: the metas of a workload are a handful; a value with unusual annotations is not kept. */
const MAX_CHECKED_METAS = 64;
const MAX_CACHED_META_LENGTH = 4096;

/**
 * decode() of a packed wire: the value, or, when its meta needs the general
 * path (superjson), the wire for decode() to take there.
 */
export function decodePacked(packed: PackedWire): { value: unknown } | { wire: Wire } {
  const json = parse(packed.text, 'text');
  const metaText = packed.meta;
  if (metaText === undefined) return { value: json };
  let apply = checkedMetas.get(metaText);
  if (apply === undefined) {
    if (typeof metaText !== 'string') throw new WireFormatError('a packed wire\'s meta must be a JSON text');
    const meta = parse(metaText, 'meta') as { values?: unknown; v?: unknown } | null;
    if (meta === null || typeof meta !== 'object' || meta.values === undefined || !canFastDeserialize(meta.values, meta.v)) {
      return { wire: { json, meta, buffers: packed.buffers } };
    }
    apply = compileAnnotations(meta.values);
    if (metaText.length <= MAX_CACHED_META_LENGTH) {
      if (checkedMetas.size >= MAX_CHECKED_METAS) checkedMetas.clear();
      checkedMetas.set(metaText, apply);
    }
  }
  const compiled = apply;
  return { value: resolvingBinaryParts(packed.buffers, () => compiled(json)) };
}

function parse(text: string, part: 'text' | 'meta'): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new WireFormatError(`a packed wire's ${part} is not JSON`, { cause: error });
  }
}
