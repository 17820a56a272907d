/**
 * superjson loads on the first value that needs it, not with the serializer:
 * each case runs in a fresh node, since this jest worker's registry has long
 * loaded it. Registrations made before it loads must still reach it, and
 * there must be one superjson module whether it came in by require or import.
 */
import { describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const serializer = new URL('../dist/index.js', import.meta.url).href;
const registry = new URL('../dist/registry.js', import.meta.url).href;

/** Runs `body` as an ES module with `s` (the serializer) and `r` (its registry) imported; returns what it printed as JSON. */
async function inFreshNode(body: string, nodeFlags: string[] = []): Promise<unknown> {
  const script = `const s = await import(${JSON.stringify(serializer)}); const r = await import(${JSON.stringify(registry)});\n${body}`;
  const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    execFile(process.execPath, [...nodeFlags, '--input-type=module', '--eval', script], { cwd: fileURLToPath(new URL('.', import.meta.url)), timeout: 30_000 }, (error, out, err) =>
      error ? reject(new Error(`${error.message}\n${err}`)) : resolve({ stdout: out, stderr: err }),
    );
  });
  expect(stderr).toBe('');
  return JSON.parse(stdout);
}

describe('superjson loads on first need', () => {
  test('a request-shaped value, bytes, a registered class and a picklability error leave it unloaded', async () => {
    const seen = await inFreshNode(`
      class Point { constructor(x, y) { this.x = x; this.y = y; } }
      s.registerClass(Point, 'lazy.Point');
      const loadedAtImport = r.isSuperjsonLoaded();
      const value = { method: 'GET', url: 'http://127.0.0.1:1/', headers: { accept: '*/*' }, body: Buffer.from('abc'), none: undefined, at: new Point(1, 2) };
      const back = s.decode(structuredClone(s.encode(value)));
      let refused = '';
      try { s.encode({ hooks: { response: [() => 1] } }); } catch (error) { refused = error.name + ': ' + error.message.split('\\n')[0]; }
      console.log(JSON.stringify({ loadedAtImport, body: back.body.toString(), isBuffer: Buffer.isBuffer(back.body), none: 'none' in back, point: back.at instanceof Point, refused, loadedAfter: r.isSuperjsonLoaded() }));
    `);
    expect(seen).toEqual({
      loadedAtImport: false,
      body: 'abc',
      isBuffer: true,
      none: true,
      point: true,
      refused: expect.stringMatching(/^PicklingError: .*hooks\.response\[0\]/),
      loadedAfter: false,
    });
  });

  test('a Map loads it, with every registration made before and after, and one module identity', async () => {
    const seen = await inFreshNode(`
      class Before { constructor(n) { this.n = n; } }
      s.registerClass(Before, 'lazy.Before');
      class Pair { constructor(a, b) { this.a = a; this.b = b; } }
      s.registerCompactClass(Pair, 'lazy.Pair', { fields: ['a', 'b'], toWire: (p) => [p.a, p.b], fromWire: ([a, b]) => new Pair(a, b) });
      class Oops extends Error {}
      s.registerErrorClass(Oops, 'lazy.Oops');
      const value = new Map([['before', new Before(1)], ['pair', new Pair('x', 'y')], ['error', new Oops('no')], ['bytes', new Uint16Array([1, 2])], ['bare', Object.create(null)]]);
      const back = s.decode(structuredClone(s.encode(value)));
      const loaded = r.isSuperjsonLoaded();
      class After { constructor(n) { this.n = n; } }
      s.registerClass(After, 'lazy.After');
      const later = s.decode(structuredClone(s.encode(new Map([['after', new After(2)]]))));
      const { createRequire } = await import('node:module');
      const imported = await import(createRequire(${JSON.stringify(registry)}).resolve('superjson'));
      console.log(JSON.stringify({
        loaded,
        before: back.get('before') instanceof Before && back.get('before').n,
        pair: back.get('pair') instanceof Pair && back.get('pair').b,
        error: back.get('error') instanceof Oops && back.get('error').message,
        bytes: back.get('bytes') instanceof Uint16Array && [...back.get('bytes')],
        bare: Object.getPrototypeOf(back.get('bare')),
        after: later.get('after') instanceof After && later.get('after').n,
        oneModule: r.superjson() instanceof imported.SuperJSON,
      }));
    `);
    expect(seen).toEqual({ loaded: true, before: 1, pair: 'y', error: 'no', bytes: [1, 2], bare: null, after: 2, oneModule: true });
  });

  test('where require() cannot load an ES module (Node 20 before 20.19), superjson is imported with the serializer and a Map still crosses', async () => {
    // --no-experimental-require-module turns Node 20.19+ into what older Node 20 releases are.
    const seen = await inFreshNode(
      `
      const back = s.decode(structuredClone(s.encode(new Map([['at', new Date(0)]]))));
      console.log(JSON.stringify({ requireModule: process.features.require_module, loaded: r.isSuperjsonLoaded(), date: back.get('at') instanceof Date && back.get('at').getTime() }));
    `,
      ['--no-experimental-require-module'],
    );
    expect(seen).toEqual({ requireModule: false, loaded: true, date: 0 });
  });
});
