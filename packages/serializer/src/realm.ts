/**
 * Values from another JavaScript realm. Under jest (which runs tests in a vm context),
 * objects made by Node itself (http headers, system errors such as ECONNREFUSED,
 * anything v8.deserialize or structuredClone returns, hence every tinypool reply)
 * have the main realm's Object.prototype, Map.prototype, Error.prototype... so
 * `instanceof` and superjson's checks do not recognise them. These helpers do.
 */

const NATIVE_CODE = /\{\s*\[native code\]\s*\}\s*$/;

/**
 * The constructor name when `proto` is a built-in prototype (Object, Array, Map,
 * Error...) of ANOTHER realm; undefined for this realm's built-ins and for user classes.
 */
export function foreignIntrinsicName(proto: unknown): string | undefined {
  if (proto === null || typeof proto !== 'object') return undefined;
  if (!Object.prototype.hasOwnProperty.call(proto, 'constructor')) return undefined;
  const ctor = (proto as { constructor: unknown }).constructor;
  if (typeof ctor !== 'function' || ctor.prototype !== proto) return undefined;
  if (!NATIVE_CODE.test(Function.prototype.toString.call(ctor))) return undefined;
  return (globalThis as Record<string, unknown>)[ctor.name] === ctor ? undefined : ctor.name;
}

/** A plain object's prototype, from this realm or another (null counts). */
export function isPlainPrototype(proto: unknown): boolean {
  return proto === Object.prototype || proto === null || foreignIntrinsicName(proto) === 'Object';
}

/** This realm's counterpart of an error's class: the first built-in on its prototype chain, by name. */
export function localBuiltinErrorPrototype(error: object): object {
  for (let proto = Object.getPrototypeOf(error); proto !== null; proto = Object.getPrototypeOf(proto)) {
    const name = foreignIntrinsicName(proto);
    const local = name === undefined ? undefined : (globalThis as Record<string, unknown>)[name];
    if (typeof local === 'function' && (local === Error || local.prototype instanceof Error)) return local.prototype as object;
  }
  return Error.prototype;
}
