import { describe, expect, test } from '@jest/globals';
import v8 from 'node:v8';
import { PicklingError, decode, encode, isRegisteredClass, registerClass, registerCompactClass, registerErrorClass } from '@requests-futures/serializer';
import { findDifference } from './helpers/strict-equality.js';

/** What a process boundary does: encode, v8-serialize (tinypool 'advanced'), decode. */
function acrossTheBoundary<T>(value: T): T {
  return decode<T>(v8.deserialize(v8.serialize(encode(value))) as ReturnType<typeof encode>);
}

class Point {
  constructor(public x: number, public y: number) {}
  get norm(): number {
    return Math.hypot(this.x, this.y);
  }
}
registerClass(Point, 'test.registry.Point');

class FakeResponse {
  statusCode = 200;
  content: Buffer = Buffer.alloc(0);
  headers = new Map<string, string>();
  json(): unknown {
    return JSON.parse(this.content.toString('utf8'));
  }
}
registerClass(FakeResponse, 'test.registry.FakeResponse');

class RequestFailure extends Error {
  override readonly name = 'RequestFailure';
  readonly code: string = 'ERR_REQUEST';
  constructor(message: string, readonly request?: { method: string; url: string }, options?: ErrorOptions) {
    super(message, options);
  }
}
class TimeoutFailure extends RequestFailure {
  override readonly name = 'TimeoutFailure';
  override readonly code = 'ERR_TIMEOUT';
}
registerErrorClass(RequestFailure, 'test.registry.RequestFailure');
registerErrorClass(TimeoutFailure, 'test.registry.TimeoutFailure');

describe('registerClass', () => {
  test('instances come back with their prototype, so methods and getters work', () => {
    const decoded = acrossTheBoundary(new Point(3, 4));
    expect(decoded).toBeInstanceOf(Point);
    expect(decoded.norm).toBe(5);
    expect(findDifference(new Point(3, 4), decoded)).toBeUndefined();
  });

  test('properties set on an instance after construction travel (a hook decorating a response)', () => {
    const response = new FakeResponse();
    response.content = Buffer.from('{"ok":true}');
    response.headers.set('content-type', 'application/json');
    (response as FakeResponse & { data?: unknown }).data = response.json();
    const decoded = acrossTheBoundary(response) as FakeResponse & { data?: unknown };
    expect(decoded).toBeInstanceOf(FakeResponse);
    expect(decoded.data).toEqual({ ok: true });
    expect(Buffer.isBuffer(decoded.content)).toBe(true);
    expect(decoded.json()).toEqual({ ok: true });
    expect(decoded.headers.get('content-type')).toBe('application/json');
  });

  test('is idempotent for the same class and identifier', () => {
    expect(() => registerClass(Point, 'test.registry.Point')).not.toThrow();
  });

  test('refuses a second identifier for a class, and an identifier taken by another class', () => {
    expect(() => registerClass(Point, 'test.registry.Other')).toThrow(/class Point is already registered as "test.registry.Point"/);
    class Impostor {}
    expect(() => registerClass(Impostor, 'test.registry.Point')).toThrow(/identifier "test.registry.Point" is already used by class Point/);
  });

  test('validates its arguments with TypeErrors that name them', () => {
    expect(() => registerClass(undefined as unknown as new () => object, 'x')).toThrow(TypeError);
    expect(() => registerClass(undefined as unknown as new () => object, 'x')).toThrow(/cls must be a class/);
    expect(() => registerClass(class Nameless {}, '')).toThrow(/identifier must be a non-empty string/);
  });

  test('an Error subclass passed to registerClass is registered as an error class', () => {
    class Routed extends Error {}
    registerClass(Routed, 'test.registry.Routed');
    const decoded = acrossTheBoundary(new Routed('routed'));
    expect(decoded).toBeInstanceOf(Routed);
    expect(decoded.message).toBe('routed');
  });

  test('isRegisteredClass accepts an instance or a class', () => {
    expect(isRegisteredClass(new Point(0, 0))).toBe(true);
    expect(isRegisteredClass(Point)).toBe(true);
    expect(isRegisteredClass(new RequestFailure('x'))).toBe(true);
    expect(isRegisteredClass({})).toBe(false);
    expect(isRegisteredClass(new (class Local {})())).toBe(false);
  });
});

describe('registerErrorClass', () => {
  test('keeps class, name, message, stack, code, own properties and cause', () => {
    const cause = new TimeoutFailure('read timed out', { method: 'GET', url: 'http://127.0.0.1:1/' });
    const error = new RequestFailure('request failed', { method: 'POST', url: 'http://127.0.0.1:2/' }, { cause });
    const decoded = acrossTheBoundary(error);
    expect(decoded).toBeInstanceOf(RequestFailure);
    expect(decoded.name).toBe('RequestFailure');
    expect(decoded.message).toBe('request failed');
    expect(decoded.stack).toBe(error.stack);
    expect(decoded.code).toBe('ERR_REQUEST');
    expect(decoded.request).toEqual({ method: 'POST', url: 'http://127.0.0.1:2/' });
    expect(decoded.cause).toBeInstanceOf(TimeoutFailure);
    expect((decoded.cause as TimeoutFailure).code).toBe('ERR_TIMEOUT');
    expect(findDifference(error, decoded)).toBeUndefined();
  });

  test('message, stack and cause stay non-enumerable, as on a thrown error', () => {
    const decoded = acrossTheBoundary(new RequestFailure('x', undefined, { cause: 1 }));
    for (const key of ['message', 'stack', 'cause']) {
      expect(Object.getOwnPropertyDescriptor(decoded, key)?.enumerable).toBe(false);
    }
  });

  test('built-in error types keep their class', () => {
    for (const error of [new TypeError('t'), new RangeError('r'), new SyntaxError('s'), new URIError('u'), new EvalError('e'), new ReferenceError('f')]) {
      const decoded = acrossTheBoundary(error);
      expect(Object.getPrototypeOf(decoded)).toBe(Object.getPrototypeOf(error));
      expect(decoded.message).toBe(error.message);
    }
  });

  test('AggregateError keeps its errors', () => {
    const decoded = acrossTheBoundary(new AggregateError([new Error('a'), new TypeError('b')], 'both'));
    expect(decoded).toBeInstanceOf(AggregateError);
    expect(decoded.errors.map((e: Error) => e.message)).toEqual(['a', 'b']);
    expect(decoded.errors[1]).toBeInstanceOf(TypeError);
  });

  test('an unregistered subclass arrives as its closest registered ancestor, with its own name', () => {
    class HookFailure extends RequestFailure {}
    Object.defineProperty(HookFailure.prototype, 'name', { value: 'HookFailure' });
    const decoded = acrossTheBoundary(new HookFailure('hook said no'));
    expect(Object.getPrototypeOf(decoded)).toBe(RequestFailure.prototype);
    expect(decoded.name).toBe('RequestFailure'); // own field set by RequestFailure's constructor wins, as on the original
    class PlainHookError extends Error {}
    Object.defineProperty(PlainHookError.prototype, 'name', { value: 'PlainHookError' });
    const plain = acrossTheBoundary(new PlainHookError('boom'));
    expect(Object.getPrototypeOf(plain)).toBe(Error.prototype);
    expect(plain.name).toBe('PlainHookError');
    expect(plain.message).toBe('boom');
  });

  test('Symbol.hasInstance on a registered class does not change the class chosen', () => {
    class Base extends Error {}
    class Sibling extends Error {
      static override [Symbol.hasInstance](value: unknown): boolean {
        return value instanceof Base || Function.prototype[Symbol.hasInstance].call(this, value);
      }
    }
    registerErrorClass(Sibling, 'test.registry.Sibling');
    registerErrorClass(Base, 'test.registry.Base');
    expect(Object.getPrototypeOf(acrossTheBoundary(new Base('b')))).toBe(Base.prototype);
  });

  test('refuses a class that does not extend Error', () => {
    expect(() => registerErrorClass(Point as unknown as new () => Error, 'test.registry.NotAnError')).toThrow(/must be Error or extend it/);
  });
});

/** A Map-backed class, like the HTTP engine's headers: it travels as its own flat list. */
class Tags {
  store = new Map<string, string>();
  add(key: string, value: string): this {
    this.store.set(key, value);
    return this;
  }
}
class LabelledTags extends Tags {}
registerCompactClass(Tags, 'test.registry.Tags', {
  fields: ['store'],
  toWire: (tags) => [...tags.store].flat(),
  fromWire: (flat: string[]) => {
    const tags = new Tags();
    for (let i = 0; i < flat.length; i += 2) tags.add(flat[i]!, flat[i + 1]!);
    return tags;
  },
});

describe('registerCompactClass', () => {
  test('carries an instance as its wire form, one leaf for superjson, and rebuilds the class', () => {
    const value = { tags: new Tags().add('a', '1').add('b', '2'), again: new Tags() };
    const wire = encode(value);
    expect(wire.json).toEqual({ tags: ['a', '1', 'b', '2'], again: [] });
    const back = acrossTheBoundary(value);
    expect(back.tags).toBeInstanceOf(Tags);
    expect([...back.tags.store]).toEqual([['a', '1'], ['b', '2']]);
    expect(isRegisteredClass(Tags)).toBe(true);
  });

  test('refuses a key outside the wire form instead of dropping it, naming its path', () => {
    const tags = Object.assign(new Tags(), { note: 'would be lost' });
    expect(() => encode({ tags })).toThrow(PicklingError);
    expect(() => encode({ tags })).toThrow(/value\.tags\.note/);
  });

  test('does not apply to a subclass, which is refused as an unregistered class', () => {
    expect(() => encode(new LabelledTags())).toThrow(/instance of LabelledTags/);
  });

  test('refuses error classes and a second identifier for the same class', () => {
    expect(() => registerCompactClass(RangeError, 'test.registry.Range', { fields: [], toWire: () => 0, fromWire: () => new RangeError() })).toThrow(/registerErrorClass/);
    expect(() => registerCompactClass(Tags, 'test.registry.Tags2', { fields: ['store'], toWire: () => [], fromWire: () => new Tags() })).toThrow(/already registered/);
  });
});
