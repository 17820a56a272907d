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
import { superjsonClassNamed, transformerNamed } from './registry.js';

type Annotation = [type: unknown, children?: Annotations] | Annotations;
type Annotations = { [path: string]: Annotation };
type Mapper = (value: unknown) => unknown;

const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);

/** The value, or `undefined` when superjson must decode this one (then `json` is untouched). */
export function fastDeserialize(json: unknown, values: unknown, version: unknown): { value: unknown } | undefined {
  if (!canFastDeserialize(values, version)) return undefined;
  return { value: compileAnnotations(values)(json) };
}

/** Whether compileAnnotations() can decode with these annotations (superjson must otherwise). */
export function canFastDeserialize(values: unknown, version: unknown): boolean {
  return version === 1 && canApply(values as Annotation);
}

/**
 * How to decode a json with these annotations, worked out once (paths split,
 * transformers looked up), so that a meta that comes back with every reply
 * (packed-wire.ts) is worked out once. In superjson's order: a node's
 * children (paths relative to it), then the node itself. Call only once
 * canFastDeserialize() said yes for these annotations.
 */
export function compileAnnotations(values: unknown): (json: unknown) => unknown {
  const step = compileStep(values as Annotation);
  return (json) => {
    const holder: Record<string, unknown> = { root: json };
    step(holder, 'root');
    return holder.root;
  };
}

/** Replaces holder[key] as apply() does. */
type Step = (holder: Record<string, unknown>, key: string) => void;

function compileStep(tree: Annotation): Step {
  if (!Array.isArray(tree)) {
    const children = compileChildren(tree);
    return (holder, key) => children(holder[key]);
  }
  const [type, annotations] = tree;
  const children = annotations === undefined ? undefined : compileChildren(annotations);
  const mapper = mapperFor(type)!;
  return (holder, key) => {
    if (children !== undefined) children(holder[key]);
    holder[key] = mapper(holder[key]);
  };
}

function compileChildren(annotations: Annotations): (node: unknown) => void {
  const paths = Object.keys(annotations).map((path) => {
    const segments = path.split('.');
    return { parents: segments.slice(0, -1), last: segments.at(-1)!, step: compileStep(annotations[path]!) };
  });
  return (node) => {
    for (const { parents, last, step } of paths) {
      // superjson's setDeep: walk down arrays and plain objects; a path through anything else changes nothing.
      let parent = node;
      for (const segment of parents) parent = isContainer(parent) ? (parent as Record<string, unknown>)[segment] : undefined;
      if (isContainer(parent)) step(parent as Record<string, unknown>, last);
    }
  };
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

const KEEP_UNDEFINED: Mapper = () => undefined;
const mappers = new Map<string, Mapper>();

function mapperFor(type: unknown): Mapper | undefined {
  if (type === 'undefined') return KEEP_UNDEFINED;
  if (!Array.isArray(type) || (type[0] !== 'custom' && type[0] !== 'class') || typeof type[1] !== 'string') return undefined;
  const name = `${type[0]} ${type[1]}`;
  let mapper = mappers.get(name);
  if (mapper !== undefined) return mapper;
  if (type[0] === 'custom') {
    const transformer = transformerNamed(type[1]);
    if (transformer === undefined) return undefined;
    mapper = (value) => transformer.deserialize(value as never);
  } else {
    const cls = superjsonClassNamed(type[1]) as { prototype: object } | undefined;
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
