/**
 * The one superjson instance for everything that crosses the boundary, and the
 * classes it knows. Coordinator and workers must register the same classes under
 * the same identifiers: an identifier is what travels, never the class itself.
 */
import { createRequire } from 'node:module';
import type { SuperJSON } from 'superjson';

type AnyClass = abstract new (...args: any[]) => any;
type ErrorClass = abstract new (...args: any[]) => Error;

/** A custom transformer as superjson's registerCustom takes it. */
export interface Transformer<I, O> {
  readonly isApplicable: (value: any) => value is I;
  readonly serialize: (value: I) => O;
  readonly deserialize: (json: O) => I;
}

/**
 * What superjson is told, in order, kept so that superjson itself loads only when
 * a value needs it: a plain request's spec and reply never do (fast-serialize.ts,
 * fast-deserialize.ts), and loading its 14 files cost 12-16 ms of CPU in the
 * coordinator and in every child. The registrations replay, in their order,
 * on the one instance the first time it is needed.
 */
const superjsonRegistrations: Array<(instance: SuperJSON) => void> = [];
let superjsonInstance: SuperJSON | undefined;

/**
 * Node 20 before 20.19 cannot require() an ES module (superjson is one): there
 * it is imported with this module, as it was before it loaded lazily.
 */
const requireCanLoadEsm = (process.features as { require_module?: boolean }).require_module === true;
const superjsonImportedEagerly: typeof import('superjson') | undefined = requireCanLoadEsm ? undefined : await import('superjson');

/**
 * Internal: the one superjson instance (the codec and tests use it; nothing else should).
 * require() of the ESM package, synchronous as encode/decode are, shares Node's
 * module cache with import: one module identity either way.
 */
export function superjson(): SuperJSON {
  if (superjsonInstance === undefined) {
    const { SuperJSON: SuperJSONClass } = superjsonImportedEagerly ?? (createRequire(import.meta.url)('superjson') as typeof import('superjson'));
    const instance = new SuperJSONClass({ dedupe: false });
    for (const register of superjsonRegistrations) register(instance);
    superjsonInstance = instance;
  }
  return superjsonInstance;
}

/** Internal: whether superjson was needed so far in this process (for the tests). */
export function isSuperjsonLoaded(): boolean {
  return superjsonInstance !== undefined;
}

function tellSuperjson(register: (instance: SuperJSON) => void): void {
  superjsonRegistrations.push(register);
  if (superjsonInstance !== undefined) register(superjsonInstance);
}

/** Custom transformers by name, as fast-deserialize.ts looks them up without loading superjson. */
const transformersByName = new Map<string, Transformer<any, any>>();

/** Internal: registers a custom transformer with superjson (now or when it loads). */
export function registerTransformer<I, O>(transformer: Transformer<I, O>, name: string): void {
  transformersByName.set(name, transformer);
  tellSuperjson((instance) => instance.registerCustom<I, any>(transformer, name));
}

/** Internal: the custom transformer registered under `name`, as superjson's customTransformerRegistry.findByName. */
export function transformerNamed(name: string): Transformer<any, any> | undefined {
  return transformersByName.get(name);
}

const classByIdentifier = new Map<string, AnyClass>();
const identifierByClass = new Map<AnyClass, string>();
const errorClassIdentifiers = new Set<string>();
/** What the picklability check and the fast encoder need of a registerCompactClass class. */
export interface CompactEntry {
  readonly identifier: string;
  /** The own keys an instance may have. */
  readonly fields: readonly string[];
  readonly toWire: (value: any) => unknown;
}

/** Classes that travel in a wire form of their own (registerCompactClass), by class. */
const compactClasses = new Map<AnyClass, CompactEntry>();

function validateRegistration(cls: unknown, identifier: unknown, caller: string): asserts cls is AnyClass {
  if (typeof cls !== 'function' || typeof (cls as { prototype?: unknown }).prototype !== 'object') {
    throw new TypeError(`${caller}: cls must be a class, got ${describe(cls)}`);
  }
  if (typeof identifier !== 'string' || identifier === '') {
    throw new TypeError(`${caller}: identifier must be a non-empty string, got ${describe(identifier)}`);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  return value === null ? 'null' : typeof value;
}

/** Returns false when the very same registration already exists (registration is idempotent). */
function claim(cls: AnyClass, identifier: string, caller: string): boolean {
  const existing = identifierByClass.get(cls);
  if (existing === identifier) return false;
  if (existing !== undefined) {
    throw new TypeError(`${caller}: class ${cls.name} is already registered as "${existing}", cannot register it again as "${identifier}"`);
  }
  const owner = classByIdentifier.get(identifier);
  if (owner !== undefined) {
    throw new TypeError(`${caller}: identifier "${identifier}" is already used by class ${owner.name}`);
  }
  classByIdentifier.set(identifier, cls);
  identifierByClass.set(cls, identifier);
  return true;
}

function isErrorClass(cls: AnyClass): boolean {
  return cls === Error || cls.prototype instanceof Error;
}

/**
 * Instances travel as their own enumerable properties and come back with the class's
 * prototype (the constructor is not called). State kept in #private fields or in
 * closures does not travel. Error subclasses are routed to registerErrorClass.
 */
export function registerClass(cls: new (...a: any[]) => any, identifier: string): void {
  validateRegistration(cls, identifier, 'registerClass');
  if (isErrorClass(cls)) {
    registerErrorClass(cls as ErrorClass as new (...a: any[]) => Error, identifier);
    return;
  }
  if (claim(cls, identifier, 'registerClass')) {
    tellSuperjson((instance) => instance.registerClass(cls as new (...a: any[]) => any, identifier));
  }
}

/** How a compact class crosses: its own JSON form, built and read back by the class's owner. */
export interface CompactForm<T, J> {
  /** The own enumerable keys an instance has; any other key is refused by the picklability check, never dropped. */
  readonly fields: readonly string[];
  /** A JSON-safe value (strings, numbers, arrays, plain objects) that holds everything `fields` hold. */
  toWire(value: T): J;
  fromWire(json: J): T;
}

/**
 * Like registerClass, for a class whose state is simple but deep (a Map of
 * string pairs): instances travel as `toWire`'s JSON, which superjson treats
 * as one leaf instead of walking (and annotating) every entry. Measured on a
 * small Response, whose two header objects were most of superjson's walk:
 * see packages/serializer/README.md.
 */
export function registerCompactClass<T extends object, J>(cls: new (...a: any[]) => T, identifier: string, form: CompactForm<T, J>): void {
  validateRegistration(cls, identifier, 'registerCompactClass');
  if (isErrorClass(cls)) throw new TypeError(`registerCompactClass: error classes travel as errors, use registerErrorClass for ${cls.name}`);
  if (!claim(cls, identifier, 'registerCompactClass')) return;
  compactClasses.set(cls, { identifier, fields: [...form.fields], toWire: (value) => form.toWire(value as T) });
  registerTransformer<T, J>(
    {
      // Exact class, as superjson's own class rule matches: a subclass is not this form.
      isApplicable: (value): value is T => value !== null && typeof value === 'object' && (value as { constructor?: unknown }).constructor === cls,
      serialize: (value) => form.toWire(value),
      deserialize: (json) => form.fromWire(json),
    },
    identifier,
  );
}

/** Internal: the registration of `value`'s exact class when it is a compact class, or undefined. */
export function compactClassOf(value: object): CompactEntry | undefined {
  return compactClasses.get((value as { constructor?: AnyClass }).constructor as AnyClass);
}

/** Internal: the identifier superjson's class rule would annotate `value` with (a registered non-error, non-compact class), or undefined. */
export function plainClassIdentifierOf(value: object): string | undefined {
  const cls = (value as { constructor?: AnyClass }).constructor as AnyClass;
  const identifier = identifierByClass.get(cls);
  return identifier !== undefined && carriedByClassRule(cls, identifier) ? identifier : undefined;
}

/** Internal: the class registered under `identifier` for superjson's class rule, as its classRegistry.getValue. */
export function superjsonClassNamed(identifier: string): AnyClass | undefined {
  const cls = classByIdentifier.get(identifier);
  return cls !== undefined && carriedByClassRule(cls, identifier) ? cls : undefined;
}

/** A registered class that superjson's class rule carries: error and compact classes travel through transformers instead. */
function carriedByClassRule(cls: AnyClass, identifier: string): boolean {
  return !errorClassIdentifiers.has(identifier) && !compactClasses.has(cls);
}

/**
 * Errors keep name, message, stack, cause (recursively), code and their own
 * enumerable properties; the decoded value is an instance of the class.
 */
export function registerErrorClass(cls: new (...a: any[]) => Error, identifier: string): void {
  validateRegistration(cls, identifier, 'registerErrorClass');
  if (!isErrorClass(cls)) {
    throw new TypeError(`registerErrorClass: cls must be Error or extend it, got class ${cls.name}`);
  }
  // The error transformer looks classes up itself, so superjson's class rule must never see them.
  if (claim(cls, identifier, 'registerErrorClass')) errorClassIdentifiers.add(identifier);
}

/** True for an instance of a registered class (exact class), or for a registered class itself. */
export function isRegisteredClass(value: object): boolean {
  if (typeof value === 'function') return identifierByClass.has(value as AnyClass);
  if (value === null || typeof value !== 'object') return false;
  return identifierByClass.has((value as { constructor?: AnyClass }).constructor as AnyClass);
}

/**
 * Internal: the identifier of the closest registered class on the error's prototype chain.
 * Walks prototypes rather than using instanceof, because error classes may define
 * Symbol.hasInstance (ConnectTimeout is also a Timeout) and that must not pick the class.
 */
export function errorIdentifierFor(error: Error): string {
  for (let proto = Object.getPrototypeOf(error); proto !== null; proto = Object.getPrototypeOf(proto)) {
    const ctor = Object.prototype.hasOwnProperty.call(proto, 'constructor') ? proto.constructor : undefined;
    const identifier = ctor === undefined ? undefined : identifierByClass.get(ctor);
    if (identifier !== undefined && errorClassIdentifiers.has(identifier)) return identifier;
  }
  return 'Error';
}

/** Internal: undefined when this process never registered the identifier (decode then falls back to Error). */
export function errorClassFor(identifier: string): ErrorClass | undefined {
  return errorClassIdentifiers.has(identifier) ? (classByIdentifier.get(identifier) as ErrorClass) : undefined;
}

// Built-in errors keep their class too: a TypeError thrown in a worker is a TypeError here.
for (const builtin of [Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError, AggregateError]) {
  registerErrorClass(builtin as new (...a: any[]) => Error, builtin.name);
}
