/**
 * superjson.serialize for the values that cross on every request, written
 * out: plain objects and arrays, strings, booleans, finite numbers, null,
 * undefined, registered classes, compact classes, typed arrays, and the plain
 * objects our rf.object transformer carries as entries (null prototype, or a
 * "__proto__", "constructor" or "prototype" key: JSON from a server may hold
 * such keys). It produces
 * the very json and meta.values superjson would (a test compares the two on a
 * corpus), so decode() and the wire format are unchanged.
 *
 * Why: superjson's walker copies a path array per node and asks each of its
 * rules and every custom transformer about every node. Measured on this machine
 * (CPU profiles of a small request's round trip), that walk was most of a
 * small request's encode in the coordinator and of its reply's in the child.
 *
 * Anything else (Date, Map, Set, BigInt, errors, NaN, -0...) makes it give up,
 * and the caller hands the value to superjson.
 */
import { toPlaceholder, type Placeholder } from './binary-channel.js';
import { OBJECT_ENTRIES, needsEntries, toEntriesForm } from './object-transformer.js';
import { compactClassOf, plainClassIdentifierOf } from './registry.js';

/** superjson's TypeAnnotation for one node, and its children's annotations keyed by escaped path. */
type Annotation = [type: unknown, children?: Annotations] | Annotations;
type Annotations = { [path: string]: Annotation };

interface Walked {
  value: unknown;
  annotation: Annotation | undefined;
}

/** Thrown inside the walk when a node needs superjson; never leaves this module. */
const GIVE_UP = Symbol('give up');

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
  } catch (error) {
    if (error === GIVE_UP) return undefined;
    throw error;
  } finally {
    placeholders = undefined;
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
      throw GIVE_UP;
  }
}

function walkObject(value: object): Walked {
  if (ArrayBuffer.isView(value)) {
    if (value instanceof DataView) throw GIVE_UP;
    placeholders ??= new Map();
    let placeholder = placeholders.get(value);
    if (placeholder === undefined) placeholders.set(value, (placeholder = toPlaceholder(value)));
    return { value: placeholder, annotation: [['custom', BYTES]] };
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Array.prototype) return walkChildren(value, value, undefined);
  if (needsEntries(value)) {
    // As superjson does with our rf.object transformer: the [nullPrototype, entries] form, walked.
    const form = toEntriesForm(value);
    return walkChildren(form, form, ENTRIES_TYPE);
  }
  if (proto === Object.prototype) return walkChildren(value, value, undefined);
  const classIdentifier = plainClassIdentifierOf(value);
  if (classIdentifier !== undefined) return walkChildren(value, { ...value }, ['class', classIdentifier]);
  const compact = compactClassOf(value);
  if (compact !== undefined) return { value: compact.toWire(value), annotation: [['custom', compact.identifier]] };
  throw GIVE_UP;
}

/** As superjson's walker: children's annotations are flattened into dotted, escaped paths. */
function walkChildren(original: object, source: object, type: unknown): Walked {
  const out: Record<string, unknown> | unknown[] = Array.isArray(original) ? [] : {};
  let inner: Annotations | undefined;
  for (const [key, child] of Object.entries(source)) {
    // Plain objects with this key took the entries form; on a registered class instance
    // superjson refuses it (the picklability check says so first): let it.
    if (key === '__proto__') throw GIVE_UP;
    const walked = walk(child);
    (out as Record<string, unknown>)[key] = walked.value;
    const annotation = walked.annotation;
    if (annotation === undefined) continue;
    inner ??= {};
    const escaped = escapeKey(key);
    if (Array.isArray(annotation)) inner[escaped] = annotation;
    else for (const [path, tree] of Object.entries(annotation)) inner[`${escaped}.${path}`] = tree;
  }
  if (inner === undefined) return { value: out, annotation: type === undefined ? undefined : [type] };
  return { value: out, annotation: type === undefined ? inner : [type, inner] };
}

/** superjson's escapeKey (pathstringifier), which it does not export. */
function escapeKey(key: string): string {
  return key.includes('.') || key.includes('\\') ? key.replace(/\\/g, '\\\\').replace(/\./g, '\\.') : key;
}
