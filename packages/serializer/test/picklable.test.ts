import { describe, expect, test } from '@jest/globals';
import { EventEmitter } from 'node:events';
import { PassThrough, Readable } from 'node:stream';
import { PicklingError, assertPicklable, findUnpicklable, fnRef, registerClass } from '@requests-futures/serializer';

class Unregistered {
  value = 1;
}

class RegisteredBox {
  constructor(public content: unknown) {}
}
registerClass(RegisteredBox, 'test.picklable.RegisteredBox');

/** The PicklingError assertPicklable throws, or a failure when it throws nothing. */
function refusal(value: unknown, rootPath?: string): PicklingError {
  try {
    assertPicklable(value, rootPath);
  } catch (error) {
    expect(error).toBeInstanceOf(PicklingError);
    return error as PicklingError;
  }
  throw new Error('assertPicklable accepted the value');
}

describe('paths', () => {
  test('the documented example: a hook function under rootPath ""', () => {
    const error = refusal({ hooks: { response: [() => undefined] } }, '');
    expect(error.path).toBe('hooks.response[0]');
    expect(error.message).toMatch(/^Cannot pickle function at hooks\.response\[0\]\. Refer to documentation: /);
  });

  test('default root is "value", nested objects use dots, arrays use indices', () => {
    expect(refusal({ a: { b: [1, 2, { c: Symbol('s') }] } }).path).toBe('value.a.b[2].c');
    expect(refusal([0, [1, () => 2]]).path).toBe('value[1][1]');
  });

  test('a custom rootPath prefixes the path', () => {
    expect(refusal({ x: () => 1 }, 'args[0]').path).toBe('args[0].x');
  });

  test('keys that are not identifiers are quoted in brackets', () => {
    expect(refusal({ headers: { 'x-token': () => 'secret' } }).path).toBe('value.headers["x-token"]');
    expect(refusal({ 'a b': { '0': Symbol('z') } }).path).toBe('value["a b"]["0"]');
    expect(refusal({ '': () => 1 }, '').path).toBe('[""]');
  });

  test('Map values use .get(<key>) and Map keys use .keys()[i]', () => {
    expect(refusal({ m: new Map<unknown, unknown>([['ok', 1], ['bad', () => 1]]) }).path).toBe('value.m.get("bad")');
    expect(refusal(new Map<unknown, unknown>([[7, 1], [-0, 2], [3n, Symbol('x')]])).path).toBe('value.get(3n)');
    expect(refusal(new Map<unknown, unknown>([[{ k: 1 }, 1], [{ k: 2 }, () => 1]])).path).toBe('value.get(<key 1>)');
    expect(refusal(new Map<unknown, unknown>([['a', 1], [() => 1, 2]])).path).toBe('value.keys()[1]');
  });

  test('Set elements use their position', () => {
    expect(refusal({ s: new Set<unknown>([1, 'two', () => 3]) }).path).toBe('value.s[2]');
  });

  test('error causes and properties are walked', () => {
    const inner = Object.assign(new Error('inner'), { callback: () => 1 });
    expect(refusal({ error: new Error('outer', { cause: inner }) }).path).toBe('value.error.cause.callback');
  });

  test('registered class instances are walked', () => {
    expect(refusal(new RegisteredBox({ fn: () => 1 })).path).toBe('value.content.fn');
  });

  test('the FIRST offending value is reported, in property order', () => {
    expect(refusal({ a: 1, b: () => 1, c: Symbol('c') }).path).toBe('value.b');
  });
});

describe('what cannot travel, by kind', () => {
  const cases: Array<[string, () => unknown, string]> = [
    ['function', () => () => 1, 'function'],
    ['async function', () => async () => 1, 'function'],
    ['class', () => Unregistered, 'function'],
    ['symbol', () => Symbol('s'), 'symbol'],
    ['Readable stream', () => Readable.from([]), 'stream'],
    ['PassThrough stream', () => new PassThrough(), 'stream'],
    ['anything with .pipe()', () => ({ pipe: () => undefined }), 'stream'],
    ['web ReadableStream', () => new ReadableStream(), 'stream'],
    ['EventEmitter', () => new EventEmitter(), 'EventEmitter'],
    ['WeakMap', () => new WeakMap(), 'WeakMap'],
    ['WeakSet', () => new WeakSet(), 'WeakSet'],
    ['WeakRef', () => new WeakRef({}), 'WeakRef'],
    ['Promise', () => Promise.resolve(1), 'Promise'],
    ['ArrayBuffer', () => new ArrayBuffer(8), 'ArrayBuffer'],
    ['SharedArrayBuffer', () => new SharedArrayBuffer(8), 'SharedArrayBuffer'],
    ['DataView', () => new DataView(new ArrayBuffer(8)), 'DataView'],
    ['unregistered class instance', () => new Unregistered(), 'instance of Unregistered'],
    ['boxed primitive', () => new Number(1), 'instance of Number'],
    ['Map subclass', () => new (class TaggedMap extends Map {})(), 'instance of TaggedMap'],
    ['Array subclass', () => new (class TaggedArray extends Array {})(), 'instance of TaggedArray'],
    ['Uint8Array subclass', () => new (class TaggedBytes extends Uint8Array {})(2), 'instance of TaggedBytes'],
  ];

  test.each(cases)('%s', (_label, make, kind) => {
    const error = refusal({ slot: make() });
    expect(error.kind).toBe(kind);
    expect(error.path).toBe('value.slot');
    expect(error.message).toContain(`Cannot pickle ${kind} at value.slot.`);
  });

  test('a circular reference is reported where it closes the loop', () => {
    const root: Record<string, unknown> = { a: { b: {} } };
    (root.a as { b: Record<string, unknown> }).b.back = root;
    const error = refusal(root);
    expect(error.kind).toBe('circular reference');
    expect(error.path).toBe('value.a.b.back');
  });

  test('an error whose cause is itself is circular', () => {
    const error = new Error('loop');
    error.cause = error;
    expect(refusal(error).path).toBe('value.cause');
  });

  test('a __proto__ own key travels on plain objects and errors, but is refused on a registered class instance', () => {
    const parsed: unknown = JSON.parse('{"ok": 1, "__proto__": {"polluted": true}}');
    expect(findUnpicklable({ body: parsed })).toBeUndefined();
    const error = new Error('with data');
    Object.defineProperty(error, '__proto__', { value: parsed, enumerable: true, writable: true, configurable: true });
    expect(findUnpicklable(error)).toBeUndefined();
    const box = new RegisteredBox(1);
    Object.defineProperty(box, '__proto__', { value: 1, enumerable: true, writable: true, configurable: true });
    expect(refusal({ box })).toMatchObject({ kind: '__proto__ key', path: 'value.box.__proto__' });
  });

  test('constructor/prototype keys are refused on registered class instances only', () => {
    expect(refusal(Object.assign(new RegisteredBox(1), { constructor: 1 })).kind).toBe('constructor key');
    expect(() => assertPicklable({ constructor: 1, prototype: 2 })).not.toThrow();
  });

  test('sparse arrays, non-index array properties and symbol keys would not survive', () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(refusal({ list: [1, , 3] })).toMatchObject({ kind: 'array hole', path: 'value.list[1]' });
    expect(refusal({ list: Object.assign([1, 2], { extra: true }) })).toMatchObject({ kind: 'non-index property of an Array', path: 'value.list.extra' });
    expect(refusal({ tagged: { [Symbol('tag')]: 1 } })).toMatchObject({ kind: 'symbol key', path: 'value.tagged[Symbol(tag)]' });
  });

  test('own properties on a Map, Set or Date would be dropped', () => {
    expect(refusal({ m: Object.assign(new Map(), { note: 1 }) })).toMatchObject({ kind: 'property of a Map', path: 'value.m.note' });
    expect(refusal({ d: Object.assign(new Date(0), { tz: 'UTC' }) })).toMatchObject({ kind: 'property of a Date', path: 'value.d.tz' });
  });

  test('findUnpicklable reports without throwing', () => {
    expect(findUnpicklable({ ok: 1 })).toBeUndefined();
    expect(findUnpicklable({ f: () => 1 }, 'task')).toEqual({ kind: 'function', path: 'task.f' });
  });
});

describe('what can travel', () => {
  test('JSON, superjson types, binary, errors, FnRef and registered classes pass', () => {
    const value = {
      n: 1, s: 's', b: true, nil: null, u: undefined, nan: NaN, inf: -Infinity, big: 10n,
      date: new Date(0), invalid: new Date(Number.NaN), url: new URL('http://127.0.0.1/'), re: /x/g,
      map: new Map([[{ k: 1 }, new Set([1])]]), bytes: Buffer.from('x'), floats: new Float64Array(2),
      bigs: new BigInt64Array(1), error: new RangeError('r', { cause: new Error('c') }),
      nullProto: Object.assign(Object.create(null) as object, { a: 1 }),
      task: fnRef(import.meta.url, 'task'), box: new RegisteredBox([1, 2]),
    };
    expect(() => assertPicklable(value)).not.toThrow();
  });

  test('a shared (not circular) reference is fine', () => {
    const shared = { headers: { a: '1' } };
    expect(() => assertPicklable({ first: shared, second: shared, list: [shared, shared] })).not.toThrow();
  });

  test('a wide DAG is checked in linear time (each shared node once)', () => {
    // 40 levels of two references to the same child: 2^40 paths if shared nodes were re-walked.
    let node: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 40; i++) node = { left: node, right: node };
    expect(() => assertPicklable(node)).not.toThrow();
  });
});

describe('values that throw when read', () => {
  test('a throwing getter is refused where it is, with what it threw as the cause', () => {
    const value = {
      ok: 1,
      get secret(): string {
        throw new Error('no access');
      },
    };
    const error = refusal({ nested: value });
    expect(error).toMatchObject({ kind: 'unreadable property', path: 'value.nested.secret' });
    expect((error.cause as Error).message).toBe('no access');
  });

  test('an error whose stack cannot be formatted (message is an unprintable object) is refused at .stack', () => {
    const broken = new Error('x');
    broken.message = Object.create(null) as string;
    expect(refusal({ failure: broken })).toMatchObject({ kind: 'unreadable property', path: 'value.failure.stack' });
  });
});
