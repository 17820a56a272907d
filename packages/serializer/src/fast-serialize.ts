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
import { LONG_TEXT_CHARS, hasLongText } from './long-text.js';
import { OBJECT_ENTRIES, needsEntries, toEntriesForm } from './object-transformer.js';
import { TYPED_ARRAY_PROTOTYPES } from './picklable.js';
import { compactClassOf, plainClassIdentifierOf } from './registry.js';
import { InWireForm, nestedWireOf } from './wire-form.js';

/** superjson's TypeAnnotation for one node, and its children's annotations keyed by escaped path. */
type Annotation = [type: unknown, children?: Annotations] | Annotations;
type Annotations = { [path: string]: Annotation };

/** Thrown inside the walk when a node needs superjson or the full check; never leaves this module. */
const GIVE_UP = Symbol('give up');

/** Deeper than this, the full check decides: it tells a cycle from a deep value. */
const MAX_DEPTH = 64;
let depth = 0;
/** The length of every string value walked: a wire with long texts crosses unpacked (packed-wire.ts). */
let textLength = 0;
let walkedText = 0;

/**
 * The annotation of the node walk() returned last. A variable rather than a
 * { value, annotation } pair per node: most nodes have none, and the pairs
 * were most of what the walk allocated.
 */
let annotation: Annotation | undefined;

const UNDEFINED: Annotation = ['undefined'];
const BYTES = 'rf.bytes';
const ENTRIES_TYPE = ['custom', OBJECT_ENTRIES];

/** superjson sends a typed array found twice once, with one placeholder: so do we (per call). */
let placeholders: Map<object, Placeholder> | undefined;

/**
 * Returns superjson's `{ json, meta.values }` for `value`, and how long its string values are, or undefined when superjson must do it.
 * `checkOnly`: see EncodeOptions.checkOnly (codec.ts).
 */
export function fastSerialize(value: unknown, checkOnly?: readonly string[]): { json: unknown; values?: Annotation; textLength: number } | undefined {
  let json: unknown;
  let values: Annotation | undefined;
  try {
    json = checkOnly === undefined ? walk(value) : walkParts(value, checkOnly);
    values = annotation;
  } catch {
    // GIVE_UP, or what a getter threw: the full check reports that one with its path.
    return undefined;
  } finally {
    placeholders = undefined;
    annotation = undefined;
    depth = 0;
    walkedText = textLength;
    textLength = 0;
  }
  return values === undefined ? { json, textLength: walkedText } : { json, values, textLength: walkedText };
}

/** The node's json; its annotation is left in `annotation`. */
function walk(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
      textLength += value.length;
      annotation = undefined;
      return value;
    case 'boolean':
      annotation = undefined;
      return value;
    case 'number':
      // NaN, ±Infinity and -0 take superjson's 'number' annotation.
      if (!Number.isFinite(value) || (value === 0 && 1 / value < 0)) throw GIVE_UP;
      annotation = undefined;
      return value;
    case 'undefined':
      annotation = UNDEFINED;
      return null;
    case 'object':
      if (value === null) {
        annotation = undefined;
        return null;
      }
      return walkObject(value);
    default:
      // function, symbol, bigint
      throw GIVE_UP;
  }
}

function walkObject(value: object): unknown {
  if (ArrayBuffer.isView(value)) return walkBytes(value);
  const ahead = takeEncoded(value);
  // Its placeholders count from 0: usable only while no typed array came before it.
  if (ahead !== undefined && appendToEmptySink(ahead.buffers)) {
    if (hasLongText(ahead)) textLength += LONG_TEXT_CHARS;
    annotation = (ahead.meta as { values?: Annotation } | undefined)?.values;
    return ahead.json;
  }
  if (Object.getOwnPropertySymbols(value).length > 0) throw GIVE_UP;
  if (++depth > MAX_DEPTH) throw GIVE_UP;
  const proto: unknown = Object.getPrototypeOf(value);
  let json: unknown;
  if (proto === Array.prototype) json = walkArray(value as unknown[]);
  else if (needsEntries(value)) {
    // As superjson does with our rf.object transformer: the [nullPrototype, entries] form, walked.
    const form = toEntriesForm(value);
    json = walkChildren(form, [], ENTRIES_TYPE);
  } else if (proto === Object.prototype) json = walkProperties(value, undefined);
  else json = walkInstance(value);
  depth--;
  return json;
}

function walkBytes(value: ArrayBufferView): unknown {
  // A subclass would come back as its base class: the full check refuses it.
  if (!TYPED_ARRAY_PROTOTYPES.has(Object.getPrototypeOf(value) as object)) throw GIVE_UP;
  placeholders ??= new Map();
  let placeholder = placeholders.get(value);
  if (placeholder === undefined) placeholders.set(value, (placeholder = toPlaceholder(value)));
  annotation = [['custom', BYTES]];
  // A copy per path: the json stays a tree.
  return [placeholder[0], placeholder[1]];
}

/** Class instances: registered (own properties) or compact (their wire form). */
function walkInstance(value: object): unknown {
  // An own "constructor" would hide the class; these keys are refused on instances.
  if (Object.hasOwn(value, 'constructor') || Object.hasOwn(value, '__proto__') || Object.hasOwn(value, 'prototype')) throw GIVE_UP;
  const classIdentifier = plainClassIdentifierOf(value);
  // superjson copies `{ ...value }` first; its own enumerable keys (no symbols here) are the same.
  if (classIdentifier !== undefined) return walkProperties(value, ['class', classIdentifier]);
  if (value instanceof InWireForm) {
    // Written by its owner (wire-form.ts): a leaf, as a compact class's form.
    const written = nestedWireOf(value);
    annotation = written.annotation as Annotation;
    return written.json;
  }
  const compact = compactClassOf(value);
  if (compact === undefined) throw GIVE_UP;
  // A key outside its wire form would vanish: the full check names it.
  for (const key of Object.keys(value)) if (!compact.fields.includes(key)) throw GIVE_UP;
  annotation = [['custom', compact.identifier]];
  return compact.toWire(value);
}

/** Index by index: a hole or a non-index key would not come back as it was. */
function walkArray(array: unknown[]): unknown {
  const length = array.length;
  // Appended, not preallocated: a holey array takes the slow paths of JSON.stringify and of v8's serializer.
  const out: unknown[] = [];
  let inner: Annotations | undefined;
  for (let index = 0; index < length; index++) {
    const child = array[index];
    if (child === undefined && !(index in array)) throw GIVE_UP;
    out.push(walk(child));
    if (annotation !== undefined) inner = annotate(inner, String(index), annotation);
  }
  if (Object.keys(array).length !== length) throw GIVE_UP;
  annotation = inner;
  return out;
}

/** As superjson's walker: children's annotations are flattened into dotted, escaped paths. */
function walkChildren(source: object, out: Record<string, unknown> | unknown[], type: unknown): unknown {
  let inner: Annotations | undefined;
  for (const key of Object.keys(source)) {
    // Plain objects with this key took the entries form; on a registered class instance
    // superjson refuses it (the picklability check says so first): let it.
    if (key === '__proto__') throw GIVE_UP;
    (out as Record<string, unknown>)[key] = walk((source as Record<string, unknown>)[key]);
    if (annotation !== undefined) inner = annotate(inner, key, annotation);
  }
  return annotated(out, type, inner);
}

/**
 * A plain object's or a registered instance's own properties, as walkChildren.
 * The copy starts as a spread (as superjson's `{ ...value }`), which reads each
 * property once and keeps the source's fast shape; keys added one by one past
 * a dozen would turn it into a dictionary, slow to fill and slow for JSON.stringify.
 */
function walkProperties(source: object, type: unknown): unknown {
  const out: Record<string, unknown> = { ...source };
  let inner: Annotations | undefined;
  for (const key of Object.keys(out)) {
    if (key === '__proto__') throw GIVE_UP;
    const child = out[key];
    const json = walk(child);
    if (json !== child) out[key] = json;
    if (annotation !== undefined) inner = annotate(inner, key, annotation);
  }
  return annotated(out, type, inner);
}

/**
 * A plain object of which only the `checkOnly` properties are walked: the
 * others are the caller's own, JSON-safe by construction, and go into the json
 * as they are (the object itself is the json while no walked property changes).
 * Their strings are not counted towards long text, except a top-level `url`'s:
 * a long one among them crosses packed, which costs time, not faithfulness.
 */
function walkParts(value: unknown, checkOnly: readonly string[]): unknown {
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) throw GIVE_UP;
  const source = value as Record<string, unknown>;
  let out = source;
  let inner: Annotations | undefined;
  for (const key of checkOnly) {
    if (!Object.hasOwn(source, key)) continue;
    const child = source[key];
    const json = walk(child);
    if (json !== child) {
      if (out === source) out = { ...source };
      out[key] = json;
    }
    if (annotation !== undefined) inner = annotate(inner, key, annotation);
  }
  if (typeof source.url === 'string') textLength += source.url.length;
  return annotated(out, undefined, inner);
}

function annotated(json: unknown, type: unknown, inner: Annotations | undefined): unknown {
  if (inner === undefined) annotation = type === undefined ? undefined : [type];
  else annotation = type === undefined ? inner : [type, inner];
  return json;
}

function annotate(inner: Annotations | undefined, key: string, child: Annotation): Annotations {
  const into = inner ?? {};
  const escaped = escapeKey(key);
  if (Array.isArray(child)) into[escaped] = child;
  else for (const path of Object.keys(child)) into[`${escaped}.${path}`] = child[path]!;
  return into;
}

/** superjson's escapeKey (pathstringifier), which it does not export. */
function escapeKey(key: string): string {
  return key.includes('.') || key.includes('\\') ? key.replace(/\\/g, '\\\\').replace(/\./g, '\\.') : key;
}
