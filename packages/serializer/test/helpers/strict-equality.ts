/**
 * The tests' own notion of "the same value", stricter than jest's toEqual: same
 * prototypes, -0 is not 0, NaN equals NaN, key order, Map/Set order, typed array
 * class and bytes, and for errors name, message, stack, cause, code and which of
 * them are own / enumerable. Returns a description of the first difference.
 */
export function findDifference(expected: unknown, actual: unknown, path = 'value'): string | undefined {
  if (typeof expected !== typeof actual) return `${path}: expected ${typeof expected}, got ${typeof actual}`;
  if (typeof expected !== 'object' || expected === null || actual === null) {
    return Object.is(expected, actual) ? undefined : `${path}: expected ${show(expected)}, got ${show(actual)}`;
  }
  const e = expected as object;
  const a = actual as object;
  if (Object.getPrototypeOf(e) !== Object.getPrototypeOf(a)) {
    return `${path}: expected prototype of ${protoName(e)}, got ${protoName(a)}`;
  }
  const contents = compareContents(e, a, path);
  if (contents !== undefined) return contents;
  // Every kind of object: its own enumerable keys, symbols included, must match too.
  const se = enumerableSymbols(e);
  const sa = enumerableSymbols(a);
  if (se.length !== sa.length) return `${path}: ${se.length} symbol keys vs ${sa.length}`;
  const ke = ownKeys(e);
  const ka = ownKeys(a);
  if (ke.join('\u0000') !== ka.join('\u0000')) return `${path}: keys ${JSON.stringify(ke)} vs ${JSON.stringify(ka)}`;
  for (const key of ke) {
    const diff = findDifference((e as Record<string, unknown>)[key], (a as Record<string, unknown>)[key], `${path}[${JSON.stringify(key)}]`);
    if (diff !== undefined) return diff;
  }
  return undefined;
}

/** The type-specific part: bytes, time, pattern, entries, holes, error fields. */
function compareContents(e: object, a: object, path: string): string | undefined {
  if (ArrayBuffer.isView(e)) return compareBytes(e, a as ArrayBufferView, path);
  if (e instanceof Date) return Object.is(e.getTime(), (a as Date).getTime()) ? undefined : `${path}: dates differ`;
  if (e instanceof RegExp) return String(e) === String(a) ? undefined : `${path}: ${String(e)} vs ${String(a)}`;
  if (e instanceof URL) return e.href === (a as URL).href ? undefined : `${path}: ${e.href} vs ${(a as URL).href}`;
  if (e instanceof Map) return compareSequences([...e], [...(a as Map<unknown, unknown>)], `${path}.entries`);
  if (e instanceof Set) return compareSequences([...e], [...(a as Set<unknown>)], `${path}.values`);
  if (Array.isArray(e)) {
    const arr = a as unknown[];
    if (e.length !== arr.length) return `${path}: length ${e.length} vs ${arr.length}`;
    for (let i = 0; i < e.length; i++) {
      if ((i in e) !== (i in arr)) return `${path}[${i}]: hole mismatch`;
    }
  }
  if (e instanceof Error) {
    for (const key of ['name', 'message', 'stack', 'cause', 'code', 'errors']) {
      const de = Object.getOwnPropertyDescriptor(e, key);
      const da = Object.getOwnPropertyDescriptor(a, key);
      if ((de === undefined) !== (da === undefined)) return `${path}.${key}: own in one, not the other`;
      if (de !== undefined && de.enumerable !== da!.enumerable) return `${path}.${key}: enumerability differs`;
      const diff = findDifference((e as unknown as Record<string, unknown>)[key], (a as unknown as Record<string, unknown>)[key], `${path}.${key}`);
      if (diff !== undefined) return diff;
    }
  }
  return undefined;
}

/** Own enumerable string keys; for typed arrays, the non-index ones (the bytes are compared already). */
function ownKeys(value: object): string[] {
  const keys = Object.keys(value);
  return ArrayBuffer.isView(value) ? keys.filter((key) => !/^\d+$/.test(key)) : keys;
}

function enumerableSymbols(value: object): symbol[] {
  return Object.getOwnPropertySymbols(value).filter((key) => Object.prototype.propertyIsEnumerable.call(value, key));
}

function compareBytes(e: ArrayBufferView, a: ArrayBufferView, path: string): string | undefined {
  const be = Buffer.from(e.buffer, e.byteOffset, e.byteLength);
  const ba = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  return be.equals(ba) ? undefined : `${path}: bytes differ (${be.byteLength} vs ${ba.byteLength} bytes)`;
}

function compareSequences(e: unknown[], a: unknown[], path: string): string | undefined {
  if (e.length !== a.length) return `${path}: size ${e.length} vs ${a.length}`;
  for (let i = 0; i < e.length; i++) {
    const diff = findDifference(e[i], a[i], `${path}[${i}]`);
    if (diff !== undefined) return diff;
  }
  return undefined;
}

function protoName(value: object): string {
  const proto = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
  return proto === null ? 'null' : (proto.constructor?.name ?? '?');
}

function show(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number' && Object.is(value, -0)) return '-0';
  if (typeof value === 'symbol' || typeof value === 'function') return String(value);
  return JSON.stringify(value) ?? String(value);
}
