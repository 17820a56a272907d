/**
 * The binary side channel. superjson would write a 1 MiB body as a million-number
 * array (about 5 encode+decode per second); here each typed array becomes a
 * `[index, typeName]` placeholder and its bytes go into `wire.buffers`, which the
 * transport (v8 serialization in tinypool's 'advanced' mode) copies as raw bytes.
 *
 * superjson calls custom transformers without any context, so the buffer list of the
 * encode or decode in progress is held here for the duration of that synchronous call.
 */
import { registerTransformer } from './registry.js';
import { WireFormatError } from './wire-format-error.js';

type TypedArray =
  | Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array
  | Float32Array | Float64Array | BigInt64Array | BigUint64Array;

type TypedArrayClass = { new (buffer: ArrayBufferLike, byteOffset: number, length: number): TypedArray; readonly BYTES_PER_ELEMENT: number };

/** Buffer is listed so that a Buffer comes back as a Buffer, not as the Uint8Array v8 turns it into. */
const TYPED_ARRAY_CLASSES: Readonly<Record<string, TypedArrayClass>> = {
  Buffer: Buffer as unknown as TypedArrayClass,
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
};

export type Placeholder = [index: number, typeName: string];

let sink: Uint8Array[] | undefined;
let source: readonly Uint8Array[] | undefined;

/** Runs `encodeFn` with typed arrays diverted into `buffers`. */
export function collectingBinaryParts<T>(buffers: Uint8Array[], encodeFn: () => T): T {
  const outer = sink;
  sink = buffers;
  try {
    return encodeFn();
  } finally {
    sink = outer;
  }
}

/** Runs `decodeFn` with placeholders resolved against `buffers`. */
export function resolvingBinaryParts<T>(buffers: readonly Uint8Array[], decodeFn: () => T): T {
  const outer = source;
  source = buffers;
  try {
    return decodeFn();
  } finally {
    source = outer;
  }
}

/** The built-in name of the typed array (Buffer first: it is a Uint8Array too). */
function typeNameOf(view: ArrayBufferView): string {
  if (Buffer.isBuffer(view)) return 'Buffer';
  const tag = Object.prototype.toString.call(view).slice(8, -1);
  return Object.hasOwn(TYPED_ARRAY_CLASSES, tag) ? tag : 'Uint8Array';
}

/** One realm (the suites run in one too): instanceof, cheaper than the string tag on every decoded body. */
function isUint8Array(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array;
}

/** Internal: the placeholder of a typed array whose bytes go to the side channel (also used by fast-serialize.ts). */
export function toPlaceholder(view: ArrayBufferView): Placeholder {
  if (sink === undefined) throw new WireFormatError('typed arrays can only be serialized through encode()');
  // A view of exactly the value's bytes: no copy, and v8 serializes only this range.
  sink.push(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
  return [sink.length - 1, typeNameOf(view)];
}

/** Internal: the buffers of a wire encoded ahead (encoded-ahead.ts), when nothing was collected yet, so its placeholders stay right. */
export function appendToEmptySink(buffers: readonly Uint8Array[]): boolean {
  if (buffers.length === 0) return true;
  if (sink === undefined || sink.length > 0) return false;
  sink.push(...buffers);
  return true;
}

/** Internal: the typed array a placeholder stands for, in the decode in progress (also used by wire-form.ts). */
export function fromPlaceholder(placeholder: unknown): TypedArray {
  if (source === undefined) throw new WireFormatError('typed arrays can only be deserialized through decode()');
  if (!Array.isArray(placeholder) || placeholder.length !== 2) {
    throw new WireFormatError(`malformed binary placeholder ${JSON.stringify(placeholder)}`);
  }
  const [index, typeName] = placeholder as [unknown, unknown];
  const bytes = typeof index === 'number' ? source[index] : undefined;
  if (!isUint8Array(bytes)) {
    throw new WireFormatError(`binary placeholder points at wire.buffers[${String(index)}], which is not a Uint8Array (${source.length} buffers)`);
  }
  const cls = typeof typeName === 'string' && Object.hasOwn(TYPED_ARRAY_CLASSES, typeName) ? TYPED_ARRAY_CLASSES[typeName] : undefined;
  if (cls === undefined) throw new WireFormatError(`unknown typed array type ${JSON.stringify(typeName)} in wire`);
  if (cls === (Buffer as unknown)) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = cls.BYTES_PER_ELEMENT;
  if (bytes.byteLength % width !== 0) {
    throw new WireFormatError(`wire.buffers[${index}] holds ${bytes.byteLength} bytes, not a whole number of ${typeName as string} elements`);
  }
  if (bytes.byteOffset % width === 0) return new cls(bytes.buffer, bytes.byteOffset, bytes.byteLength / width);
  // A misaligned view cannot back a wider element type: copy to a fresh, aligned buffer.
  return new cls(bytes.slice().buffer, 0, bytes.byteLength / width);
}

registerTransformer<ArrayBufferView, Placeholder>(
  {
    isApplicable: (value): value is ArrayBufferView => ArrayBuffer.isView(value) && !(value instanceof DataView),
    serialize: toPlaceholder,
    deserialize: fromPlaceholder,
  },
  'rf.bytes',
);
