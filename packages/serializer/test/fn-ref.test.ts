import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FnRef, FnRefImportError, decode, encode, fnRef, isFnRef, loadFnRef, loadedFnRef } from '@requests-futures/serializer';

const fixtureUrl = new URL('./fixtures/functions.ts', import.meta.url).href;

describe('fnRef', () => {
  test('accepts an import.meta.url-style URL string, a URL object, or an absolute path', () => {
    const fromString = fnRef(fixtureUrl, 'add');
    expect(fromString).toBeInstanceOf(FnRef);
    expect(fromString.moduleUrl).toBe(fixtureUrl);
    expect(fromString.exportName).toBe('add');
    expect(fnRef(new URL(fixtureUrl), 'add').moduleUrl).toBe(fixtureUrl);
    expect(fnRef(fileURLToPath(fixtureUrl), 'add').moduleUrl).toBe(fixtureUrl);
  });

  test('rejects a bad moduleUrl with a TypeError naming moduleUrl', () => {
    for (const bad of ['./relative.js', 'some-package', 'http://127.0.0.1/x.js', '', 42, null]) {
      expect(() => fnRef(bad as string, 'add')).toThrow(TypeError);
      expect(() => fnRef(bad as string, 'add')).toThrow(/moduleUrl/);
    }
  });

  test('rejects a bad exportName with a TypeError naming exportName', () => {
    for (const bad of ['', undefined, 3]) {
      expect(() => fnRef(fixtureUrl, bad as string)).toThrow(TypeError);
      expect(() => fnRef(fixtureUrl, bad as string)).toThrow(/exportName/);
    }
  });

  test('isFnRef tells references from look-alikes', () => {
    expect(isFnRef(fnRef(fixtureUrl, 'add'))).toBe(true);
    expect(isFnRef({ moduleUrl: fixtureUrl, exportName: 'add' })).toBe(false);
    expect(isFnRef(() => 1)).toBe(false);
  });

  test('round-trips through encode/decode and still loads', async () => {
    const decoded = decode<{ hook: FnRef }>(encode({ hook: fnRef(fixtureUrl, 'add') }));
    expect(isFnRef(decoded.hook)).toBe(true);
    expect(decoded.hook.toString()).toBe(`${fixtureUrl}#add`);
    const add = await loadFnRef<(a: number, b: number) => number>(decoded.hook);
    expect(add(2, 3)).toBe(5);
  });
});

describe('loadFnRef', () => {
  test('imports the module and returns the named export, or the default export', async () => {
    const greet = await loadFnRef<(name: string) => Promise<string>>(fnRef(fixtureUrl, 'greet'));
    await expect(greet('worker')).resolves.toBe('hello worker');
    const fallback = await loadFnRef<() => string>(fnRef(fixtureUrl, 'default'));
    expect(fallback()).toBe('default');
  });

  test('caches per module and export: the same promise and the same function', async () => {
    const first = loadFnRef(fnRef(fixtureUrl, 'add'));
    const second = loadFnRef(fnRef(fixtureUrl, 'add'));
    expect(second).toBe(first);
    expect(await first).toBe(await loadFnRef(decode<FnRef>(encode(fnRef(fixtureUrl, 'add')))));
  });

  test('loadedFnRef: undefined until loadFnRef resolved, then the same function, synchronously; never a failed one', async () => {
    // Its own module URL (a query string), which no other test loads.
    const url = `${fixtureUrl}?loaded`;
    const ref = fnRef(url, 'greet');
    expect(loadedFnRef(ref)).toBeUndefined();
    const pending = loadFnRef(ref);
    expect(loadedFnRef(ref)).toBeUndefined();
    const greet = await pending;
    expect(loadedFnRef(ref)).toBe(greet);
    expect(loadedFnRef(decode<FnRef>(encode(fnRef(url, 'greet'))))).toBe(greet);
    await loadFnRef(fnRef(url, 'notAFunction')).catch(() => undefined);
    expect(loadedFnRef(fnRef(url, 'notAFunction'))).toBeUndefined();
  });

  test('a module that cannot be imported: FnRefImportError naming the module and export', async () => {
    const missing = pathToFileURL('/nonexistent/requests-futures/missing-module.js').href;
    const error = await loadFnRef(fnRef(missing, 'run')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FnRefImportError);
    expect((error as FnRefImportError).name).toBe('FnRefImportError');
    expect((error as FnRefImportError).message).toContain(missing);
    expect((error as FnRefImportError).message).toContain('run');
    expect((error as FnRefImportError).moduleUrl).toBe(missing);
    expect((error as FnRefImportError).cause).toBeDefined();
  });

  test('a missing export and an export that is not a function are both FnRefImportError', async () => {
    await expect(loadFnRef(fnRef(fixtureUrl, 'nope'))).rejects.toThrow(/has no export named "nope"/);
    await expect(loadFnRef(fnRef(fixtureUrl, 'nope'))).rejects.toBeInstanceOf(FnRefImportError);
    await expect(loadFnRef(fnRef(fixtureUrl, 'notAFunction'))).rejects.toThrow(/the export is a number, not a function/);
  });

  test('failures are not cached: a second attempt imports again', async () => {
    const ref = fnRef(fixtureUrl, 'nope');
    const first = loadFnRef(ref);
    await first.catch(() => undefined);
    expect(loadFnRef(ref)).not.toBe(first);
    await loadFnRef(ref).catch(() => undefined);
  });

  test('FnRefImportError keeps its class across the boundary', () => {
    const decoded = decode<FnRefImportError>(encode(new FnRefImportError('file:///x.js', 'run', 'gone')));
    expect(decoded).toBeInstanceOf(FnRefImportError);
    expect(decoded.exportName).toBe('run');
  });

  test('rejects something that is not an FnRef', async () => {
    await expect(loadFnRef({ moduleUrl: fixtureUrl, exportName: 'add' } as FnRef)).rejects.toThrow(TypeError);
  });
});

describe('TypeScript modules in a child process without a loader', () => {
  test('loadFnRef registers tsx and imports the .ts module', async () => {
    const serializerUrl = new URL('../dist/index.js', import.meta.url).href;
    const moreUrl = new URL('./fixtures/more-functions.ts', import.meta.url).href;
    const script = `
      import { fnRef, loadFnRef } from ${JSON.stringify(serializerUrl)};
      const add = await loadFnRef(fnRef(${JSON.stringify(fixtureUrl)}, 'add'));
      const greet = await loadFnRef(fnRef(${JSON.stringify(fixtureUrl)}, 'greet'));
      const double = await loadFnRef(fnRef(${JSON.stringify(moreUrl)}, 'double'));
      const missing = await loadFnRef(fnRef(${JSON.stringify(fixtureUrl)}, 'nope')).catch((e) => e.name);
      console.log(JSON.stringify({ sum: add(20, 22), greeting: await greet('ts'), doubled: double(21), missing }));
    `;
    // A bare node: no --import tsx, and only PATH-free env, as a tinypool child gets by default.
    const printed = await runBareNode(script, fileURLToPath(new URL('..', import.meta.url)));
    expect(printed).toEqual({ sum: 42, greeting: 'hello ts', doubled: 42, missing: 'FnRefImportError' });
  });
});

/**
 * `.ts`, `.mts` and `.cts` targets wherever they sit. Outside a `"type": "module"`
 * folder a `.ts` file is CommonJS to Node: with tsx's ESM hook alone Node 20 failed
 * with `Cannot require() ES Module … in a cycle` (this test failed that way before).
 */
describe('TypeScript fnRef targets in and outside a "type": "module" folder', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'rf-fnref-ts-'));
    for (const folder of ['plain', 'esm']) {
      const dir = join(root, folder);
      await mkdir(dir);
      if (folder === 'esm') await writeFile(join(dir, 'package.json'), '{ "type": "module" }');
      await writeFile(join(dir, 'a.ts'), 'export const shared: { hits: number } = { hits: 0 };\nexport function hello(name: string): string { return `ts ${name}`; }\n');
      await writeFile(join(dir, 'b.mts'), 'export function hello(name: string): string { return `mts ${name}`; }\n');
      await writeFile(join(dir, 'c.cts'), 'export function hello(name: string): string { return `cts ${name}`; }\n');
      await writeFile(join(dir, 'd.ts'), 'import { hello as viaA, shared } from "./a.js";\nexport function hello(name: string): string { shared.hits++; return `d+${viaA(name)}`; }\nexport function sharedOfA(): object { return shared; }\n');
    }
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test.each(['plain', 'esm'])('in a %s folder: each target loads in a bare node, once per module', async (folder) => {
    const serializerUrl = new URL('../dist/index.js', import.meta.url).href;
    const url = (file: string) => pathToFileURL(join(root, folder, file)).href;
    const script = `
      import { fnRef, loadFnRef, loadModuleExport } from ${JSON.stringify(serializerUrl)};
      const said = [];
      for (const file of ${JSON.stringify(['a.ts', 'b.mts', 'c.cts', 'd.ts'].map(url))}) said.push((await loadFnRef(fnRef(file, 'hello')))('x'));
      const shared = await loadModuleExport(fnRef(${JSON.stringify(url('a.ts'))}, 'shared'));
      const sharedOfA = await loadFnRef(fnRef(${JSON.stringify(url('d.ts'))}, 'sharedOfA'));
      console.log(JSON.stringify({ said, oneInstance: sharedOfA() === shared, hits: shared.hits }));
    `;
    expect(await runBareNode(script)).toEqual({ said: ['ts x', 'mts x', 'cts x', 'd+ts x'], oneInstance: true, hits: 1 });
  });
});

/** Runs an ES module script in a bare node (no loader, empty env); expects a clean exit and returns the JSON it printed. */
async function runBareNode(script: string, cwd?: string): Promise<unknown> {
  const child = spawn(process.execPath, ['--input-type=module', '--eval', script], { ...(cwd ? { cwd } : {}), env: {}, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    });
    expect({ exitCode, stderr }).toEqual({ exitCode: 0, stderr: '' });
    return JSON.parse(stdout);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}
