/**
 * Values whose owner writes their wire itself. A request's reply crosses on
 * every request, always in the same few shapes; walked as a general value it
 * cost each fresh child the compile of the generic walk (walkProperties,
 * walkObject, walkInstance...) and the coordinator that of the generic decode
 * (benchmarks/README.md, #14). Its owner knows the shape: it writes the JSON
 * (and the binary parts) in one pass, encode() takes that wire as it is, and
 * decode() hands the JSON back to the owner's reader. What the owner's form
 * cannot say, the owner sends as an ordinary value: the general path stays.
 *
 * On the wire it is a custom annotation (`[['custom', identifier]]`), on the
 * root or on the value's path inside another (packCall's args, a general
 * encode's walk), so a reader that does not use the fast path (superjson) decodes it too.
 */
import { collectingBinaryParts, fromPlaceholder, toPlaceholder, type Placeholder } from './binary-channel.js';
import type { Wire } from './codec.js';
import { registerTransformer } from './registry.js';

/** Puts bytes into the wire's binary parts and returns what the JSON holds in their place. */
export type BinaryPartWriter = (bytes: ArrayBufferView) => Placeholder;
/** The bytes a BinaryPartWriter's placeholder stands for, as the same typed array class (a WireFormatError when it is not one). */
export type BinaryPartReader = (placeholder: unknown) => ArrayBufferView;

/**
 * A value that writes its own wire: encode() of it (at the root) is its
 * writeWire() JSON, under the form registered as `wireForm`. Written when
 * encoded, so a value that never crosses costs nothing.
 */
export abstract class InWireForm {
  constructor(readonly wireForm: string) {}

  /** The value's JSON (JSON-safe, a tree), its bytes put through `part`. */
  abstract writeWire(part: BinaryPartWriter): unknown;
}

/** A number JSON carries as it is (not NaN, ±Infinity or -0): what a writer may put in its form unchanged. */
export function isJsonNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && !Object.is(value, -0);
}

/** Per identifier, the one meta every wire of that form carries (one text: the reader compiles it once). */
const metas = new Map<string, Wire['meta']>();

/**
 * Registers a form: `read` gets the JSON a writer made (parsed, as it was
 * written) and turns the placeholders back into bytes. Both sides register
 * the same identifier; the first registration stands.
 */
export function registerWireForm<T>(identifier: string, read: (json: unknown, part: BinaryPartReader) => T): void {
  if (typeof identifier !== 'string' || identifier === '') throw new TypeError('registerWireForm: identifier must be a non-empty string');
  if (metas.has(identifier)) return;
  metas.set(identifier, { values: [['custom', identifier]], v: 1 });
  registerTransformer<unknown, unknown>(
    {
      // Met inside a value the general path walks (superjson's own walk included).
      isApplicable: (value): value is unknown => value instanceof InWireForm && value.wireForm === identifier,
      serialize: (value) => (value as InWireForm).writeWire(toPlaceholder),
      deserialize: (json) => read(json, fromPlaceholder),
    },
    identifier,
  );
}

/** Internal (codec.ts encode, packed-call.ts): the wire `value` writes. */
export function wireOf(value: InWireForm): Wire {
  const meta = metaOf(value);
  const buffers: Uint8Array[] = [];
  const json = collectingBinaryParts(buffers, () => value.writeWire(toPlaceholder));
  return { json, meta, buffers };
}

/** Internal (fast-serialize.ts): `value`'s JSON inside a wire being written (its bytes join that wire's parts), and its annotation. */
export function nestedWireOf(value: InWireForm): { json: unknown; annotation: unknown } {
  const annotation = (metaOf(value) as { values: unknown }).values;
  return { json: value.writeWire(toPlaceholder), annotation };
}

function metaOf(value: InWireForm): Wire['meta'] {
  const meta = metas.get(value.wireForm);
  if (meta === undefined) throw new TypeError(`encode: no wire form is registered as ${JSON.stringify(value.wireForm)}`);
  return meta;
}
