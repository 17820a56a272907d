/**
 * superjson.deserialize(…, { inPlace: true }) for the annotations our own
 * encoders write on every request: undefined, registered classes and custom
 * transformers (typed arrays, compact classes, rf.object entries). Same order
 * (children before their parent), same results; anything else (Date, Map,
 * Set, BigInt, an unknown class or transformer, an escaped or forbidden path
 * segment, legacy paths) is left to superjson, before anything is changed.
 *
 * Why: superjson rebuilds a path array per annotation and dispatches each one
 * through its rule tables; measured (benchmarks/cpu/), that was most of the
 * coordinator's decode of a small response.
 */
import { superjson } from './registry.js';

type Annotation = [type: unknown, children?: Annotations] | Annotations;
type Annotations = { [path: string]: Annotation };
type Mapper = (value: unknown) => unknown;

const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);

/** The value, or `undefined` when superjson must decode this one (then `json` is untouched). */
export function fastDeserialize(json: unknown, values: unknown, version: unknown): { value: unknown } | undefined {
  if (!canFastDeserialize(values, version)) return undefined;
  return { value: applyAnnotations(json, values) };
}

/** Whether applyAnnotations() can decode with these annotations (superjson must otherwise). */
export function canFastDeserialize(values: unknown, version: unknown): boolean {
  return version === 1 && canApply(values as Annotation);
}

/** The value, once canFastDeserialize() said yes for these very annotations (which are only read). */
export function applyAnnotations(json: unknown, values: unknown): unknown {
  // A holder, so that the root is replaced like any other node.
  const holder = { root: json };
  apply(values as Annotation, holder, 'root');
  return holder.root;
}

/** Every type known and every path plain: a first pass, so that giving up changes nothing. */
function canApply(tree: Annotation): boolean {
  if (tree === null || typeof tree !== 'object') return false;
  if (!Array.isArray(tree)) return childrenCanApply(tree);
  const [type, children] = tree;
  return (children === undefined || childrenCanApply(children)) && mapperFor(type) !== undefined;
}

function childrenCanApply(children: Annotations): boolean {
  for (const key of Object.keys(children)) {
    if (key.includes('\\')) return false;
    for (const segment of key.split('.')) if (FORBIDDEN_SEGMENTS.has(segment)) return false;
    if (!canApply(children[key]!)) return false;
  }
  return true;
}

/** superjson's order: a node's children (paths relative to it), then the node itself. */
function apply(tree: Annotation, holder: Record<string, unknown>, key: string): void {
  if (!Array.isArray(tree)) {
    applyChildren(tree, holder[key]);
    return;
  }
  const [type, children] = tree;
  if (children !== undefined) applyChildren(children, holder[key]);
  holder[key] = mapperFor(type)!(holder[key]);
}

function applyChildren(children: Annotations, node: unknown): void {
  for (const path of Object.keys(children)) {
    // superjson's setDeep: walk down arrays and plain objects; a path through anything else changes nothing.
    let parent = node;
    let from = 0;
    for (let dot = path.indexOf('.'); dot !== -1; from = dot + 1, dot = path.indexOf('.', from)) {
      parent = isContainer(parent) ? (parent as Record<string, unknown>)[path.slice(from, dot)] : undefined;
    }
    if (isContainer(parent)) apply(children[path]!, parent as Record<string, unknown>, path.slice(from));
  }
}

const KEEP_UNDEFINED: Mapper = () => undefined;
const mappers = new Map<string, Mapper>();

function mapperFor(type: unknown): Mapper | undefined {
  if (type === 'undefined') return KEEP_UNDEFINED;
  if (!Array.isArray(type) || (type[0] !== 'custom' && type[0] !== 'class') || typeof type[1] !== 'string') return undefined;
  const name = `${type[0]} ${type[1]}`;
  let mapper = mappers.get(name);
  if (mapper !== undefined) return mapper;
  if (type[0] === 'custom') {
    const transformer = superjson.customTransformerRegistry.findByName(type[1]);
    if (transformer === undefined) return undefined;
    mapper = (value) => transformer.deserialize(value as never);
  } else {
    const cls = superjson.classRegistry.getValue(type[1]) as { prototype: object } | undefined;
    if (cls === undefined) return undefined;
    mapper = (value) => Object.assign(Object.create(cls.prototype) as object, value);
  }
  // Registrations are never withdrawn, so a mapper found stays right.
  mappers.set(name, mapper);
  return mapper;
}

function isContainer(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return true;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null || (proto === Object.prototype && value !== Object.prototype);
}
