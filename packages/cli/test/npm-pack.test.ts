/**
 * The packages as a user installs them: `pnpm pack` of each public package,
 * unpacked into a scratch project outside the workspace, the README's first
 * example compiled against the packed types and run against a loopback
 * server, and the packed `rf` run. Third-party dependencies are linked from
 * the workspace's store at the exact versions the packed manifests pin (so
 * the test needs no registry); our own packages are real copies of the
 * tarballs, so a file missing from `files`, a wrong `exports` target or a
 * leftover `workspace:` range fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { listenOnLoopback } from '@requests-futures/testing';

const execFileAsync = promisify(execFile);

/** execFile that, when the command fails, says what it printed. */
async function run(file: string, args: string[], options: { cwd: string; timeout?: number }): Promise<{ stdout: string; stderr: string }> {
  try {
    return await execFileAsync(file, args, options);
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${file} ${args.join(' ')} failed:\n${stdout ?? ''}${stderr ?? ''}`, { cause: error });
  }
}
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const PUBLIC_PACKAGES = ['serializer', 'worker', 'core', 'distributed', 'cli'] as const;

interface Manifest {
  name: string;
  version: string;
  license?: string;
  repository?: { type?: string; url?: string; directory?: string };
  engines?: { node?: string };
  exports?: Record<string, { types?: string; default?: string }>;
  bin?: Record<string, string>;
  sideEffects?: boolean | string[];
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

let scratch: string;
let app: string;
let server: Server;
let origin: string;
const manifests = new Map<string, Manifest>();

/** The first ```ts block of the README, pointed at `origin`. */
function readmeFirstExample(): string {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const block = /```ts\n([\s\S]*?)```/.exec(readme);
  if (block === null) throw new Error('README.md has no ts example');
  return block[1]!.replaceAll('http://127.0.0.1:8080', origin);
}

/** Links `dependency` into app/node_modules from where the workspace package `from` resolves it, checking the pinned version. */
function linkThirdParty(from: string, dependency: string, pinned: string): void {
  const target = path.join(app, 'node_modules', dependency);
  if (existsSync(target)) return;
  const installed = realpathSync(path.join(ROOT, 'packages', from, 'node_modules', dependency));
  const version = (JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')) as Manifest).version;
  expect(`${dependency}@${version}`).toBe(`${dependency}@${pinned}`);
  mkdirSync(path.dirname(target), { recursive: true });
  symlinkSync(installed, target, 'dir');
}

beforeAll(async () => {
  server = createServer((request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ url: request.url, tiny: 'x'.repeat(10) }));
  });
  origin = `http://127.0.0.1:${await listenOnLoopback(server)}`;
  scratch = mkdtempSync(path.join(tmpdir(), 'rf-pack-'));
  app = path.join(scratch, 'app');
  mkdirSync(path.join(app, 'node_modules', '@requests-futures'), { recursive: true });
  for (const name of PUBLIC_PACKAGES) {
    const { stdout } = await run('pnpm', ['pack', '--pack-destination', scratch], { cwd: path.join(ROOT, 'packages', name) });
    const tarball = stdout.trim().split('\n').pop()!;
    const unpacked = path.join(app, 'node_modules', '@requests-futures', name);
    mkdirSync(unpacked);
    await run('tar', ['xzf', path.isAbsolute(tarball) ? tarball : path.join(scratch, path.basename(tarball)), '-C', unpacked, '--strip-components=1']);
    const manifest = JSON.parse(readFileSync(path.join(unpacked, 'package.json'), 'utf8')) as Manifest;
    manifests.set(name, manifest);
    for (const [dependency, range] of Object.entries(manifest.dependencies ?? {})) {
      if (!dependency.startsWith('@requests-futures/')) linkThirdParty(name, dependency, range);
    }
  }
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }));
  writeFileSync(
    path.join(app, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, types: ['node'], typeRoots: [path.join(ROOT, 'node_modules/@types')], skipLibCheck: true }, include: ['*.ts'] }),
  );
}, 180_000);

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
});

describe('npm pack of each public package', () => {
  it('pins real versions, declares license, repository and engines, and every exports target is in the tarball', () => {
    for (const name of PUBLIC_PACKAGES) {
      const manifest = manifests.get(name)!;
      expect(JSON.stringify(manifest)).not.toContain('workspace:');
      expect(manifest.license).toBe('Apache-2.0');
      // The repository the PicklingError's documentation link points into.
      expect(manifest.repository).toEqual({ type: 'git', url: 'git+https://github.com/requests-futures-ts/requests-futures-ts.git', directory: `packages/${name}` });
      expect(manifest.engines?.node).toBe('>=20');
      const unpacked = path.join(app, 'node_modules', '@requests-futures', name);
      for (const [subpath, targets] of Object.entries(manifest.exports ?? {})) {
        for (const file of [targets.types, targets.default]) {
          if (file !== undefined) expect(`${name}${subpath.slice(1)} → ${file}: ${existsSync(path.join(unpacked, file))}`).toMatch(/true$/);
        }
      }
      for (const file of Object.values(manifest.bin ?? {})) expect(existsSync(path.join(unpacked, file))).toBe(true);
      // Only built output ships: no sources or tests.
      expect(readdirSync(unpacked).filter((entry) => entry === 'src' || entry === 'test')).toEqual([]);
    }
  });

  it('lists in sideEffects every module that registers a class when loaded (a bundler would drop it)', () => {
    const registers = /^\s*(registerClass|registerCompactClass|registerErrorClass|superjson\.registerCustom|superjson\.registerClass|parentPort\.on)\(/m;
    for (const name of PUBLIC_PACKAGES) {
      const unpacked = path.join(app, 'node_modules', '@requests-futures', name);
      const declared = manifests.get(name)!.sideEffects;
      const kept = (file: string) =>
        declared !== false && (declared === undefined || declared === true || declared.some((pattern) => new RegExp(`^${pattern.replace(/[.]/g, '\\.').replace(/\*/g, '[^/]*')}$`).test(file)));
      const dist = path.join(unpacked, 'dist');
      const files = (readdirSync(dist, { recursive: true }) as string[]).filter((file) => file.endsWith('.js'));
      const missing = files.filter((file) => registers.test(readFileSync(path.join(dist, file), 'utf8')) && !kept(`./dist/${file}`));
      expect(`${name}: ${missing.join(', ')}`).toBe(`${name}: `);
    }
  });

  it("compiles the README's first example against the packed types and runs it", async () => {
    writeFileSync(path.join(app, 'example.ts'), readmeFirstExample());
    // Typed extension, not index signatures: typos in user code are compile errors (tsc fails if an expect-error line compiles).
    writeFileSync(
      path.join(app, 'types.ts'),
      `import { FuturesSession, type ChildExit, type DoneCallback, type FutureState, type IteratedFuture, type ReturnWhen, type WaitOptions, type Response } from '@requests-futures/core';
// @ts-expect-error internals are not part of the root export
import { mapRequestError } from '@requests-futures/core';
declare module '@requests-futures/core' { interface Response { parsed?: { id: number } } }
export async function check(session: FuturesSession): Promise<void> {
  const future = session.get('${origin}/get');
  // @ts-expect-error a typo on a Future is no longer an open property
  future.rezult();
  const response: Response = await future;
  // @ts-expect-error a typo on a Response is a compile error
  console.log(response.statuscode);
  const data: unknown = response.data;
  const parsed: { id: number } | undefined = response.parsed;
  const state: FutureState = future.done() ? 'FINISHED' : 'PENDING';
  const options: WaitOptions = { timeout: 1 };
  const names: Array<ChildExit | DoneCallback<Response> | IteratedFuture<typeof future> | ReturnWhen> = [];
  console.log(data, parsed, state, options, names, mapRequestError);
}
`,
    );
    await run(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', app], { cwd: app });
    const { stdout } = await run(process.execPath, ['example.js'], { cwd: app, timeout: 30_000 });
    expect(stdout).toContain('response one status: 200');
    expect(stdout).toContain('response two status: 200');
  }, 120_000);

  it('tsx is an optional peer: without it a .ts fnRef fails at the call, saying to install tsx', async () => {
    expect(manifests.get('serializer')!.peerDependencies?.tsx).toBeDefined();
    expect(manifests.get('serializer')!.dependencies?.tsx).toBeUndefined();
    expect(existsSync(path.join(app, 'node_modules', 'tsx'))).toBe(false);
    writeFileSync(path.join(app, 'task.ts'), 'export function double(n: number): number { return n * 2; }\n');
    writeFileSync(
      path.join(app, 'no-tsx.mjs'),
      `import { ProcessPoolExecutor, fnRef } from '@requests-futures/core';
const pool = new ProcessPoolExecutor({ maxWorkers: 1 });
try {
  await pool.submit(fnRef(new URL('./task.ts', import.meta.url).href, 'double'), 21).result();
  console.log('no error');
} catch (error) {
  console.log(error.name + ': ' + error.message);
} finally {
  await pool.shutdown();
}
`,
    );
    const { stdout } = await run(process.execPath, ['no-tsx.mjs'], { cwd: app, timeout: 60_000 });
    expect(stdout).toMatch(/^FnRefImportError: .*install tsx/m);
  }, 120_000);

  it('runs the packed rf: help, and a download through a process pool', async () => {
    const rf = path.join(app, 'node_modules/@requests-futures/cli', manifests.get('cli')!.bin!.rf!);
    const help = await run(process.execPath, [rf, '--help'], { cwd: app });
    expect(help.stdout).toContain('download');
    const out = path.join(scratch, 'out');
    const list = path.join(scratch, 'list.txt');
    writeFileSync(list, `${origin}/one.json\n${origin}/two.json\n`);
    const { stdout } = await run(process.execPath, [rf, 'download', list, '-o', out, '--processes', '2', '-q'], { cwd: app, timeout: 60_000 });
    expect(stdout).toMatch(/2 ok, 0 failed/);
    expect(JSON.parse(readFileSync(path.join(out, `${new URL(origin).host.replace(':', '_')}`, 'one.json'), 'utf8')).url).toBe('/one.json');
  }, 120_000);
});
