/**
 * fnRef tasks that point at TypeScript (.ts, .mts, .cts) outside any
 * `"type": "module"` folder, run on both executors. A pool child has no loader:
 * the serializer registers tsx before importing (a .ts file there used to fail
 * with `Cannot require() ES Module … ERR_INTERNAL_ASSERTION`).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessPoolExecutor, ThreadPoolExecutor, fnRef, type Executor } from '@requests-futures/core';

// This test process already has the test runner's tsx loader (jest/one-realm.mjs), so the thread pool
// runs the `.ts` case only; fn-ref.test.ts loads all three in a bare node, as a real coordinator does.
const cases: Array<{ name: string; make: () => Executor; extensions: string[] }> = [
  { name: 'ThreadPoolExecutor', make: () => new ThreadPoolExecutor(2), extensions: ['ts'] },
  { name: 'ProcessPoolExecutor', make: () => new ProcessPoolExecutor({ maxWorkers: 1 }), extensions: ['ts', 'mts', 'cts'] },
];

describe.each(cases)('TypeScript fnRef targets on $name', ({ make, extensions }) => {
  let dir: string;
  let executor: Executor;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rf-ts-task-'));
    await writeFile(join(dir, 'task.ts'), 'import { twice } from "./twice.js";\nexport function work(n: number): string { return `ts:${twice(n)}`; }\n');
    await writeFile(join(dir, 'twice.ts'), 'export const twice = (n: number): number => n * 2;\n');
    await writeFile(join(dir, 'task.mts'), 'export function work(n: number): string { return `mts:${n * 2}`; }\n');
    await writeFile(join(dir, 'task.cts'), 'export function work(n: number): string { return `cts:${n * 2}`; }\n');
    executor = make();
  });
  afterAll(async () => {
    await executor.shutdown();
    await rm(dir, { recursive: true, force: true });
  });

  it.each(extensions)('runs a .%s task', async (extension) => {
    expect(await executor.submit(fnRef(join(dir, `task.${extension}`), 'work'), 21)).toBe(`${extension}:42`);
  });
});
