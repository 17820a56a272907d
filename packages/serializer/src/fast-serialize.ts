/**
 * superjson.serialize for the values that cross on every request, written
 * out, with the picklability check done in the same walk: plain objects and
 * arrays, strings, booleans, finite numbers, null, undefined, registered
 * classes, compact classes, typed arrays, and the plain objects our rf.object
 * transformer carries as entries (null prototype, or a "__proto__",
 * "constructor" or "prototype" key: JSON from a server may hold such keys). It
 * produces the very json and meta.values superjson would (a test compares the
 * two on a corpus), so decode() and the wire format are unchanged.
 *
 * Why: superjson's walker copies a path array per node and asks each of its
 * rules and every custom transformer about every node, and a separate
 * picklability walk before it visited every node once more. Measured (CPU
 * profiles of a small request's round trip, benchmarks/cpu/), those two walks
 * were most of a small request's encode in the coordinator and of its reply's
 * in the child.
 *
 * It gives up, and encode() hands the value to the full check and to
 * superjson, on anything else (Date, Map, Set, BigInt, errors, NaN, -0...) and
 * on anything the check could refuse (a function, a symbol, a cycle, an array
 * hole or extra key, a symbol key, a getter that throws, a subclass, a key a
 * class instance may not have): the refusal and its path are then the check's.
 * The json it returns is a tree (no node reachable by two paths), which is
 * what lets decode() work in place.
 */
import { appendToEmptySink, toPlaceholder, type Placeholder } from './binary-channel.js';
import { takeEncoded } from './encoded-ahead.js';
import { OBJECT_ENTRIES, needsEntries, toEntriesForm } from './object-transformer.js';
import { TYPED_ARRAY_PROTOTYPES } from './picklable.js';
import { compactClassOf, plainClassIdentifierOf } from './registry.js';

/** superjson's TypeAnnotation for one node, and its children's annotations keyed by escaped path. */
type Annotation = [type: unknown, children?: Annotations] | Annotations;
type Annotations = { [path: string]: Annotation };

interface Walked {
  value: unknown;
  annotation: Annotation | undefined;
}

/** Thrown inside the walk when a node needs superjson or the full check; never leaves this module. */
const GIVE_UP = Symbol('give up');

/** Deeper than this, the full check decides: it tells a cycle from a deep value. */
const MAX_DEPTH = 64;
let depth = 0;

const UNDEFINED: Annotation = ['undefined'];
const BYTES = 'rf.bytes';
const ENTRIES_TYPE = ['custom', OBJECT_ENTRIES];

/** superjson sends a typed array found twice once, with one placeholder: so do we (per call). */
let placeholders: Map<object, Placeholder> | undefined;

/** Returns superjson's `{ json, meta.values }` for `value`, or undefined when superjson must do it. */
export function fastSerialize(value: unknown): { json: unknown; values?: Annotation } | undefined {
  let walked: Walked;
  try {
    walked = walk(value);
  } catch {
    // GIVE_UP, or what a getter threw: the full check reports that one with its path.
    return undefined;
  } finally {
    placeholders = undefined;
    depth = 0;
  }
  return walked.annotation === undefined ? { json: walked.value } : { json: walked.value, values: walked.annotation };
}

function walk(value: unknown): Walked {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return { value, annotation: undefined };
    case 'number':
      // NaN, ±Infinity and -0 take superjson's 'number' annotation.
      if (!Number.isFinite(value) || (value === 0 && 1 / value < 0)) throw GIVE_UP;
      return { value, annotation: undefined };
    case 'undefined':
      return { value: null, annotation: UNDEFINED };
    case 'object':
      return value === null ? { value, annotation: undefined } : walkObject(value);
    default:
      // function, symbol, bigint
      throw GIVE_UP;
  }
}

function walkObject(value: object): Walked {
  if (ArrayBuffer.isView(value)) return walkBytes(value);
  const ahead = takeEncoded(value);
  // Its placeholders count from 0: usable only while no typed array came before it.
  if (ahead !== undefined && appendToEmptySink(ahead.buffers)) return { value: ahead.json, annotation: (ahead.meta as { values?: Annotation } | undefined)?.values };
  if (Object.getOwnPropertySymbols(value).length > 0) throw GIVE_UP;
  if (++depth > MAX_DEPTH) throw GIVE_UP;
  const proto: unknown = Object.getPrototypeOf(value);
  let walked: Walked;
  if (proto === Array.prototype) walked = walkArray(value as unknown[]);
  else if (needsEntries(value)) {
    // As superjson does with our rf.object transformer: the [nullPrototype, entries] form, walked.
    const form = toEntriesForm(value);
    walked = walkChildren(form, form, ENTRIES_TYPE);
  } else if (proto === Object.prototype) walked = walkChildren(value, value, undefined);
  else walked = walkInstance(value);
  depth--;
  return walked;
}

function walkBytes(value: ArrayBufferView): Walked {
  // A subclass would come back as its base class: the full check refuses it.
  if (!TYPED_ARRAY_PROTOTYPES.has(Object.getPrototypeOf(value) as object)) throw GIVE_UP;
  placeholders ??= new Map();
  let placeholder = placeholders.get(value);
  if (placeholder === undefined) placeholders.set(value, (placeholder = toPlaceholder(value)));
  // A copy per path: the json stays a tree.
  return { value: [placeholder[0], placeholder[1]], annotation: [['custom', BYTES]] };
}

/** Class instances: registered (own properties) or compact (their wire form). */
function walkInstance(value: object): Walked {
  // An own "constructor" would hide the class; these keys are refused on instances.
  if (Object.hasOwn(value, 'constructor') || Object.hasOwn(value, '__proto__') || Object.hasOwn(value, 'prototype')) throw GIVE_UP;
  const classIdentifier = plainClassIdentifierOf(value);
  if (classIdentifier !== undefined) return walkChildren(value, { ...value }, ['class', classIdentifier]);
  const compact = compactClassOf(value);
  if (compact === undefined) throw GIVE_UP;
  // A key outside its wire form would vanish: the full check names it.
  for (const key of Object.keys(value)) if (!compact.fields.includes(key)) throw GIVE_UP;
  return { value: compact.toWire(value), annotation: [['custom', compact.identifier]] };
}

/** Index by index: a hole or a non-index key would not come back as it was. */
function walkArray(array: unknown[]): Walked {
  const length = array.length;
  const out: unknown[] = new Array(length);
  let inner: Annotations | undefined;
  for (let index = 0; index < length; index++) {
    const child = array[index];
    if (child === undefined && !(index in array)) throw GIVE_UP;
    const walked = walk(child);
    out[index] = walked.value;
    if (walked.annotation !== undefined) inner = annotate(inner, String(index), walked.annotation);
  }
  if (Object.keys(array).length !== length) throw GIVE_UP;
  return { value: out, annotation: inner };
}

/** As superjson's walker: children's annotations are flattened into dotted, escaped paths. */
function walkChildren(original: object, source: object, type: unknown): Walked {
  const out: Record<string, unknown> | unknown[] = Array.isArray(original) ? [] : {};
  let inner: Annotations | undefined;
  for (const key of Object.keys(source)) {
    // Plain objects with this key took the entries form; on a registered class instance
    // superjson refuses it (the picklability check says so first): let it.
    if (key === '__proto__') throw GIVE_UP;
    const walked = walk((source as Record<string, unknown>)[key]);
    (out as Record<string, unknown>)[key] = walked.value;
    if (walked.annotation !== undefined) inner = annotate(inner, key, walked.annotation);
  }
  if (inner === undefined) return { value: out, annotation: type === undefined ? undefined : [type] };
  return { value: out, annotation: type === undefined ? inner : [type, inner] };
}

function annotate(inner: Annotations | undefined, key: string, annotation: Annotation): Annotations {
  const into = inner ?? {};
  const escaped = escapeKey(key);
  if (Array.isArray(annotation)) into[escaped] = annotation;
  else for (const path of Object.keys(annotation)) into[`${escaped}.${path}`] = annotation[path]!;
  return into;
}

/** superjson's escapeKey (pathstringifier), which it does not export. */
function escapeKey(key: string): string {
  return key.includes('.') || key.includes('\\') ? key.replace(/\\/g, '\\\\').replace(/\./g, '\\.') : key;
}
