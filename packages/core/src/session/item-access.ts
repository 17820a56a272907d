/**
 * requests' session dicts are Python dicts: `session.headers['X-A'] = '1'`,
 * `del session.headers['X-A']`, `'X-A' in session.headers`, `dict(session.headers)`.
 * JavaScript has one namespace for items and methods, so a Proxy routes every
 * string key that is not a method or field of the object to its items.
 * Assigning to a reserved name (`get`, `update`, `store`...) throws rather than
 * replacing the method or being lost: an assignment is never silently ignored.
 */

/** The dict's own methods the Proxy routes items to; `setItem` checks the value (a bracket assignment is untyped). */
export interface ItemStore {
  get(key: string): unknown;
  has(key: string): boolean;
  delete(key: string): boolean;
  keys(): string[];
  setItem(key: string, value: unknown): void;
}

/** What the compiler sees: the object's own members, plus any other name as an item. */
export type WithItems<T, V> = T & { [key: string]: V | undefined };

function isReserved(target: object, key: string): boolean {
  return key in target;
}

/** Each dict behind its Proxy (below). */
const dictsBehind = new WeakMap<object, object>();

/**
 * The dict itself, behind the Proxy withItemAccess made of it (any other
 * object as it is): the session reads its dicts on every request, and a
 * method read through the Proxy's get trap (a `key in` check, a Reflect.get
 * and a bound copy of the method) cost more than the call. Methods and fields
 * behave the same on it: the Proxy runs them on the dict too.
 */
export function dictBehind<T extends object>(dict: T): T {
  return (dictsBehind.get(dict) as T | undefined) ?? dict;
}

export function withItemAccess<T extends ItemStore & object, V>(target: T, what: string): WithItems<T, V> {
  const proxy = makeProxy<T, V>(target, what);
  dictsBehind.set(proxy, target);
  return proxy;
}

function makeProxy<T extends ItemStore & object, V>(target: T, what: string): WithItems<T, V> {
  return new Proxy(target, {
    get(object, key) {
      if (typeof key !== 'string' || isReserved(object, key)) {
        // Methods run on the object itself, so they may use private fields.
        const member: unknown = Reflect.get(object, key, object);
        return typeof member === 'function' && key !== 'constructor' ? member.bind(object) : member;
      }
      return object.get(key);
    },
    set(object, key, value, receiver) {
      if (typeof key !== 'string') return Reflect.set(object, key, value, receiver);
      if (isReserved(object, key)) {
        throw new TypeError(`${what}['${key}'] is a method or field of ${what}, not an item: use ${what}.set('${key}', value)`);
      }
      object.setItem(key, value);
      return true;
    },
    deleteProperty(object, key) {
      if (typeof key !== 'string' || isReserved(object, key)) {
        throw new TypeError(`Cannot delete ${what}[${String(key)}]: it is a method or field, not an item`);
      }
      object.delete(key);
      return true;
    },
    has(object, key) {
      if (typeof key !== 'string') return Reflect.has(object, key);
      return object.has(key) || Reflect.has(object, key);
    },
    // Object.keys / spread / JSON see the items only, as dict(session.headers) does.
    ownKeys(object) {
      return object.keys();
    },
    getOwnPropertyDescriptor(object, key) {
      if (typeof key !== 'string' || !object.has(key)) return undefined;
      return { value: object.get(key), enumerable: true, writable: true, configurable: true };
    },
  }) as WithItems<T, V>;
}
