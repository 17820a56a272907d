/**
 * @requests-futures/serializer: everything that crosses the process boundary.
 * Importing this module registers the package's own classes (FnRef and its errors,
 * PicklingError, built-in Error types) for the shared superjson instance, which
 * itself loads only when a value first needs it (registry.ts).
 */
export { PicklingError, PICKLING_DOCS_URL } from './pickling-error.js';
export { assertPicklable, findUnpicklable, type Unpicklable } from './picklable.js';
export { registerClass, registerCompactClass, registerErrorClass, isRegisteredClass, type CompactForm } from './registry.js';
export { encode, encodeAhead, decode, type Wire, type EncodeOptions } from './codec.js';
export { packWire, isPackedWire, type PackedWire } from './packed-wire.js';
export { packCall } from './packed-call.js';
export { registerWireForm, InWireForm, isJsonNumber, type BinaryPartReader, type BinaryPartWriter } from './wire-form.js';
export { WireFormatError } from './wire-format-error.js';
export { FnRef, fnRef, isFnRef, loadFnRef, loadedFnRef, loadModuleExport, FnRefImportError } from './fn-ref.js';
