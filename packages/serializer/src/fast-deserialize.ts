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
const KEEP_UNDEFINED: Mapper = () => undefined;

/** The value, or `undefined` when superjson must decode this one (then `json` is untouched). */
export function fastDeserialize(json: unknown, values: unknown, version: unknown): { value: unknown } | undefined {
  if (version !== 1) return undefined;
  const steps: Array<[path: string[], mapper: Mapper]> = [];
  if (!plan(values as Annotation, [], steps)) return undefined;
  let root = json;
  for (const [path, mapper] of steps) root = setDeep(root, path, mapper);
  return { value: root };
}

/** Collects the steps in superjson's order; false when one needs superjson. */
function plan(tree: Annotation, origin: string[], steps: Array<[string[], Mapper]>): boolean {
  if (tree === null || typeof tree !== 'object') return false;
  if (!Array.isArray(tree)) return planChildren(tree, origin, steps);
  const [type, children] = tree;
  if (children !== undefined && !planChildren(children, origin, steps)) return false;
  const mapper = mapperFor(type);
  if (mapper === undefined) return false;
  steps.push([origin, mapper]);
  return true;
}

function planChildren(children: Annotations, origin: string[], steps: Array<[string[], Mapper]>): boolean {
  for (const key of Object.keys(children)) {
    if (key.includes('\\')) return false;
    const segments = key.split('.');
    for (const segment of segments) if (FORBIDDEN_SEGMENTS.has(segment)) return false;
    if (!plan(children[key]!, origin.length === 0 ? segments : [...origin, ...segments], steps)) return false;
  }
  return true;
}

function mapperFor(type: unknown): Mapper | undefined {
  if (type === 'undefined') return KEEP_UNDEFINED;
  if (!Array.isArray(type) || typeof type[1] !== 'string') return undefined;
  if (type[0] === 'custom') {
    const transformer = superjson.customTransformerRegistry.findByName(type[1]);
    return transformer === undefined ? undefined : (value) => transformer.deserialize(value as never);
  }
  if (type[0] === 'class') {
    const cls = superjson.classRegistry.getValue(type[1]) as { prototype: object } | undefined;
    return cls === undefined ? undefined : (value) => Object.assign(Object.create(cls.prototype) as object, value);
  }
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null || (proto === Object.prototype && value !== Object.prototype);
}

/** superjson's setDeep over arrays and plain objects (the only parents these annotations pass through). */
function setDeep(root: unknown, path: readonly string[], mapper: Mapper): unknown {
  if (path.length === 0) return mapper(root);
  let parent: unknown = root;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    if (Array.isArray(parent)) parent = parent[+key];
    else if (isPlainObject(parent)) parent = parent[key];
  }
  const last = path[path.length - 1]!;
  if (Array.isArray(parent)) parent[+last] = mapper(parent[+last]);
  else if (isPlainObject(parent)) parent[last] = mapper(parent[last]);
  return root;
}
