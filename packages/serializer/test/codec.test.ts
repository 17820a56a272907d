import { describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import v8 from 'node:v8';
import { PicklingError, WireFormatError, decode, encode, packWire, type PackedWire, type Wire } from '@requests-futures/serializer';
import { findDifference } from './helpers/strict-equality.js';

/** What a process boundary does: encode, v8-serialize (tinypool 'advanced'), decode. */
function acrossTheBoundary<T>(value: T): T {
  return decode<T>(v8.deserialize(v8.serialize(encode(value))) as Wire);
}

/** As a pool's pipe carries a task or a reply: packed to one text, then v8-serialized. */
function acrossThePipe<T>(value: T): T {
  return decode<T>(v8.deserialize(v8.serialize(packWire(encode(value)))) as PackedWire);
}

function expectSameAfterBoundary(value: unknown): void {
  expect(findDifference(value, acrossTheBoundary(value))).toBeUndefined();
  expect(findDifference(value, acrossThePipe(value))).toBeUndefined();
  expect(findDifference(value, decode(encode(value)))).toBeUndefined();
}

describe('binary side channel', () => {
  test('a 1 MiB Uint8Array round-trips byte-exact, as a Uint8Array, outside the JSON', () => {
    const body = new Uint8Array(randomBytes(1024 * 1024));
    const wire = encode({ content: body });
    expect(wire.buffers).toHaveLength(1);
    expect(wire.buffers[0]!.byteLength).toBe(1024 * 1024);
    // The placeholder is all the JSON carries: no number array, no base64.
    expect(JSON.stringify(wire.json).length).toBeLessThan(100);
    const decoded = decode<{ content: Uint8Array }>(v8.deserialize(v8.serialize(wire)) as Wire);
    expect(Object.getPrototypeOf(decoded.content)).toBe(Uint8Array.prototype);
    expect(Buffer.compare(Buffer.from(decoded.content), Buffer.from(body))).toBe(0);
  });

  test('a Buffer comes back as a Buffer, even though v8 alone would make it a Uint8Array', () => {
    const decoded = acrossTheBoundary({ content: Buffer.from('héllo', 'utf8') });
    expect(Buffer.isBuffer(decoded.content)).toBe(true);
    expect(decoded.content.toString('utf8')).toBe('héllo');
  });

  test('a Buffer slice sends only its own bytes, not the pooled ArrayBuffer behind it', () => {
    const slice = Buffer.from('0123456789').subarray(2, 5);
    const wire = encode(slice);
    expect(wire.buffers[0]!.byteLength).toBe(3);
    expect(acrossTheBoundary(slice).toString()).toBe('234');
  });

  test('every typed array type keeps its type and contents', () => {
    const value = {
      i8: Int8Array.of(-1, 2), u8c: Uint8ClampedArray.of(255), i16: Int16Array.of(-300), u16: Uint16Array.of(65535),
      i32: Int32Array.of(-1e9), u32: Uint32Array.of(4e9), f32: Float32Array.of(1.5), f64: Float64Array.of(Math.PI, -0, NaN),
      b64: BigInt64Array.of(-(2n ** 63n)), ub64: BigUint64Array.of(2n ** 64n - 1n), empty: new Uint8Array(0),
    };
    expectSameAfterBoundary(value);
  });

  test('a view at an odd offset still decodes into a wider element type', () => {
    const wire = encode(Float64Array.of(1.25, 2.5));
    const misaligned = new Uint8Array(new ArrayBuffer(17), 1, 16);
    misaligned.set(wire.buffers[0]!);
    const decoded = decode<Float64Array>({ ...wire, buffers: [misaligned] });
    expect([...decoded]).toEqual([1.25, 2.5]);
  });

  test('the same typed array in two places is sent once', () => {
    const shared = Buffer.from('shared');
    const wire = encode({ a: shared, b: shared });
    expect(wire.buffers).toHaveLength(1);
    const decoded = acrossTheBoundary({ a: shared, b: shared });
    expect(decoded.a.toString()).toBe('shared');
    expect(decoded.b.toString()).toBe('shared');
  });
});

describe('what round-trips', () => {
  test('superjson types: Map, Set, Date, BigInt, URL, RegExp, undefined', () => {
    expectSameAfterBoundary({
      map: new Map<unknown, unknown>([['a', 1], [2, new Date(0)], [{ k: 1 }, new Set([1n])]]),
      set: new Set(['x', 'y']), date: new Date(1_700_000_000_123), big: -(2n ** 100n),
      url: new URL('http://127.0.0.1:8080/p?q=1#h'), re: /a.b/gimsuy, u: undefined, list: [undefined, null],
    });
  });

  test('numbers: -0, NaN, Infinity, -Infinity and tiny/huge doubles keep their exact value', () => {
    expectSameAfterBoundary([-0, 0, NaN, Infinity, -Infinity, Number.MIN_VALUE, Number.MAX_VALUE, 0.1 + 0.2]);
  });

  test('top-level primitives and undefined', () => {
    for (const value of [undefined, null, 0, -0, NaN, 'text', '', true, 12n]) expectSameAfterBoundary(value);
  });

  test('an invalid Date stays an invalid Date', () => {
    const decoded = acrossTheBoundary(new Date(Number.NaN));
    expect(decoded).toBeInstanceOf(Date);
    expect(Number.isNaN(decoded.getTime())).toBe(true);
  });

  test('Map and Set keep insertion order', () => {
    const decoded = acrossTheBoundary(new Map([['z', 1], ['a', 2], ['m', 3]]));
    expect([...decoded.keys()]).toEqual(['z', 'a', 'm']);
  });

  test('null-prototype objects keep their null prototype', () => {
    const value = Object.assign(Object.create(null) as Record<string, unknown>, { a: new Date(0), nested: Object.create(null) as object });
    const decoded = acrossTheBoundary(value);
    expect(Object.getPrototypeOf(decoded)).toBeNull();
    expect(findDifference(value, decoded)).toBeUndefined();
  });

  test('"constructor" and "prototype" keys on plain objects (superjson alone throws on them)', () => {
    expectSameAfterBoundary({ constructor: { name: 'x' }, prototype: [1, new Date(0)], normal: 1 });
  });

  test('keys with dots and backslashes, which superjson escapes in its paths', () => {
    expectSameAfterBoundary({ 'a.b': { 'c\\d': new Date(0) }, '': new Map([['.', 1n]]) });
  });

  test('an error thrown by user code keeps name, message, stack, code and cause', () => {
    const error = Object.assign(new Error('hook failed', { cause: new RangeError('bad range') }), { code: 'E_HOOK' });
    error.name = 'HookError';
    const decoded = acrossTheBoundary(error);
    expect(decoded).toBeInstanceOf(Error);
    expect(decoded.name).toBe('HookError');
    expect(decoded.message).toBe('hook failed');
    expect(decoded.stack).toBe(error.stack);
    expect(decoded.code).toBe('E_HOOK');
    expect(decoded.cause).toBeInstanceOf(RangeError);
    expect(findDifference(error, decoded)).toBeUndefined();
  });

  test('a shared object arrives as equal, separate copies (the wire is a tree)', () => {
    const headers = { accept: '*/*', when: new Date(0) };
    const decoded = acrossTheBoundary({ a: headers, b: headers });
    expect(findDifference(headers, decoded.a)).toBeUndefined();
    expect(findDifference(headers, decoded.b)).toBeUndefined();
  });
});

describe('the wire', () => {
  test('json and meta are plain JSON: JSON text carries them too (buffers aside)', () => {
    const value = { n: NaN, z: -0, d: new Date(0), m: new Map([[1, 2n]]), u: undefined, e: new TypeError('t'), b: Buffer.from('x') };
    const wire = encode(value);
    const viaText: Wire = { json: JSON.parse(JSON.stringify(wire.json)), meta: JSON.parse(JSON.stringify(wire.meta)), buffers: wire.buffers };
    expect(findDifference(value, decode(viaText))).toBeUndefined();
  });

  test('survives structuredClone as well as v8.serialize', () => {
    const value = { list: [1, 'a', new Set([new Date(5)])], body: Buffer.from('abc') };
    expect(findDifference(value, decode(structuredClone(encode(value))))).toBeUndefined();
  });

  test('a wire can be decoded twice (decode does not consume it)', () => {
    const wire = encode({ d: new Date(0), m: new Map([[1, 2]]) });
    expect(findDifference(decode(wire), decode(wire))).toBeUndefined();
  });
});

describe('refusals and damaged wires', () => {
  test('encode refuses what assertPicklable refuses, before encoding anything', () => {
    expect(() => encode({ hooks: { response: [() => 1] } })).toThrow(PicklingError);
    expect(() => encode({ hooks: { response: [() => 1] } }, { rootPath: '' })).toThrow(/Cannot pickle function at hooks\.response\[0\]\./);
  });

  test('decode names what is wrong with a wire it cannot read', () => {
    expect(() => decode({} as Wire)).toThrow(WireFormatError);
    expect(() => decode({ json: 1, buffers: 'nope' } as unknown as Wire)).toThrow(/decode expects a Wire/);
    const wire = encode({ body: Buffer.from('x') });
    expect(() => decode({ ...wire, buffers: [] })).toThrow(/wire\.buffers\[0\], which is not a Uint8Array \(0 buffers\)/);
  });

  test('an error class unknown on the decoding side arrives as an Error with its name and message', () => {
    class OnlyOnTheOtherSide extends Error {}
    const wire = encode(Object.assign(new OnlyOnTheOtherSide('far away'), { name: 'OnlyOnTheOtherSide' }));
    const renamed = JSON.parse(JSON.stringify(wire.json).replace('"t":"Error"', '"t":"never.registered"')) as unknown;
    const decoded = decode<Error>({ ...wire, json: renamed });
    expect(Object.getPrototypeOf(decoded)).toBe(Error.prototype);
    expect(decoded.name).toBe('OnlyOnTheOtherSide');
    expect(decoded.message).toBe('far away');
  });
});

describe('values made by Node itself', () => {
  test('share the realm of the tests and the packages (jest.config.js runs no vm context), as in a program', () => {
    const rebuilt = v8.deserialize(v8.serialize({ m: new Map(), e: new TypeError('x') })) as { m: unknown; e: unknown };
    expect(Object.getPrototypeOf(rebuilt)).toBe(Object.prototype);
    expect(rebuilt.m).toBeInstanceOf(Map);
    expect(rebuilt.e).toBeInstanceOf(TypeError);
  });

  test('node:http response headers and a real ECONNREFUSED error travel', async () => {
    const server = http.createServer((_request, response) => {
      response.setHeader('set-cookie', ['a=1', 'b=2']);
      response.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const headers = await new Promise<http.IncomingHttpHeaders>((resolve, reject) => {
        http.get(`http://127.0.0.1:${port}/`, (response) => {
          response.resume();
          resolve(response.headers);
        }).on('error', reject);
      });
      const decoded = acrossTheBoundary({ headers });
      expect(decoded.headers['set-cookie']).toEqual(['a=1', 'b=2']);
      expect(Object.getPrototypeOf(decoded.headers)).toBe(Object.prototype);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }

    // A port that was just closed: nothing listens there any more.
    const refused = await new Promise<Error>((resolve) => net.connect(port, '127.0.0.1').on('error', resolve));
    const decodedError = acrossTheBoundary({ cause: refused }).cause as Error & { code?: string };
    expect(decodedError).toBeInstanceOf(Error);
    expect(decodedError.code).toBe('ECONNREFUSED');
    expect(decodedError.message).toBe(refused.message);
  });

  test('a value rebuilt by v8 (what tinypool hands back) travels', () => {
    const value = { m: new Map([['k', [new Date(3)]]]), s: new Set([1]), e: new TypeError('x', { cause: 1 }) };
    const rebuilt = v8.deserialize(v8.serialize(value)) as typeof value;
    expect(findDifference(value.m.get('k'), acrossTheBoundary(rebuilt).m.get('k'))).toBeUndefined();
    expect(acrossTheBoundary(rebuilt).e).toBeInstanceOf(TypeError);
  });
});

describe('packed wires (what a pool pipe carries)', () => {
  test('json and meta cross as one text, bytes as bytes', () => {
    const body = new Uint8Array(randomBytes(4096));
    const packed = packWire(encode({ when: new Date(0), content: body, missing: undefined, n: 1.5 }));
    expect(typeof packed.text).toBe('string');
    expect(packed.buffers).toHaveLength(1);
    expect(packed.text.length).toBeLessThan(300);
    const back = decode<{ when: Date; content: Uint8Array; missing: undefined; n: number }>(v8.deserialize(v8.serialize(packed)) as PackedWire);
    expect(back.when).toEqual(new Date(0));
    expect(Buffer.compare(Buffer.from(back.content), Buffer.from(body))).toBe(0);
    expect('missing' in back && back.missing === undefined).toBe(true);
    expect(back.n).toBe(1.5);
  });

  test('a value without annotations packs as its JSON alone', () => {
    const packed = packWire(encode({ a: [1, 'x', null] }));
    expect(packed.text).toBe('{"a":[1,"x",null]}');
    expect(packed.meta).toBeUndefined();
  });

  test('a meta seen before is reused read-only: decoding it twice gives two independent values', () => {
    const packed = packWire(encode({ content: new Uint8Array([1, 2]), gone: undefined }));
    const first = decode<{ content: Uint8Array; gone: undefined }>(packed);
    const second = decode<{ content: Uint8Array; gone: undefined }>({ ...packed, buffers: [new Uint8Array([3, 4])] });
    expect([...first.content]).toEqual([1, 2]);
    expect([...second.content]).toEqual([3, 4]);
    expect('gone' in second).toBe(true);
  });

  test('a meta the fast path cannot apply (a Map) still decodes, through superjson', () => {
    const back = acrossThePipe({ m: new Map([['k', 1]]) });
    expect(back.m).toBeInstanceOf(Map);
    expect(back.m.get('k')).toBe(1);
  });

  test('a damaged text or meta is a WireFormatError, not a SyntaxError from deep inside', () => {
    expect(() => decode({ text: '{"a":', buffers: [] })).toThrow(WireFormatError);
    expect(() => decode({ text: '{"a":1}', meta: '{"values":', buffers: [] })).toThrow(/meta is not JSON/);
    expect(() => decode({ text: '{"a":1}', meta: 5 as unknown as string, buffers: [] })).toThrow(WireFormatError);
  });

  test('a "__proto__" key survives the text as an own key', () => {
    const value = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}') as Record<string, unknown>;
    const back = acrossThePipe(value);
    expect(Object.hasOwn(back, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
