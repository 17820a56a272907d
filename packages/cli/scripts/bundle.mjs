/**
 * Bundles rf for start-up speed: run after `tsc -b` (it reads the compiled
 * dist/ of every package). Node resolves and reads one file per module;
 * rf's coordinator and a pool child import 150-250 of them (got alone is
 * ~90), which costs more than compiling them. dist/ stays as it is for
 * library users and the tests; the `rf` bin is bundle/rf.cjs, which sizes
 * libuv's thread pool and runs bundle/rf.mjs.
 *
 * Five entries, split into shared chunks so that a module used by two
 * entries exists once per process (one task-context store, one serializer
 * registry): rf (the coordinator), rf-child (the pool child's entry, which
 * tinypool imports), rf-task-context (which the child imports by the URL the
 * coordinator passes, to run each task in its context), and the two tasks
 * children import by fnRef, rf-request-task (every session request) and
 * rf-bench-task (rf bench).
 * Code that finds those modules through import.meta.url is pointed at the
 * bundled files instead (LOCATIONS); the build fails if one of those lines
 * changed, rather than shipping a child that cannot find its task.
 */
import { copyFile, readFile, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { formDataName } from '../../core/scripts/form-data-name.mjs';
import { lazyListFormats } from '../../core/scripts/lazy-list-formats.mjs';

const packages = fileURLToPath(new URL('../..', import.meta.url));
const outdir = fileURLToPath(new URL('../bundle', import.meta.url));

const ENTRIES = {
  'rf': `${packages}cli/dist/rf.js`,
  'rf-child': `${packages}worker/dist/entry.js`,
  'rf-task-context': `${packages}core/dist/task-context.js`,
  'rf-request-task': `${packages}core/dist/http/request-task.js`,
  'rf-bench-task': `${packages}cli/dist/bench/loop-task.js`,
};

/** [compiled file, the expression in it, what it becomes in the bundle] */
const LOCATIONS = [
  [`${packages}worker/dist/entry-location.js`, "new URL('./entry.js', import.meta.url)", "new URL('./rf-child.mjs', import.meta.url)"],
  [`${packages}core/dist/executors/child-pool.js`, "new URL('../task-context.js', import.meta.url)", "new URL('./rf-task-context.mjs', import.meta.url)"],
  [
    `${packages}core/dist/session/futures-session.js`,
    "new URL('../http/request-task.js', import.meta.url)",
    "new URL('./rf-request-task.mjs', import.meta.url)",
  ],
  [`${packages}cli/dist/bench/loop-task.js`, 'LOOP_TASK_MODULE = import.meta.url', "LOOP_TASK_MODULE = new URL('./rf-bench-task.mjs', import.meta.url).href"],
  // got is in the bundle already: no one-file build of it to look for (core/scripts/vendor-got.mjs).
  [`${packages}core/dist/http/got-loader.js`, "new URL('../vendor/got.js', import.meta.url).href", 'null'],
  // Packages the engine requires on first use: a require() esbuild sees is bundled (and still runs
  // on first use); createRequire would look for them next to the bundle, where an installed rf has none.
  [`${packages}core/dist/http/cookies.js`, "createRequire(import.meta.url)('tough-cookie')", "require('tough-cookie')"],
  [`${packages}core/dist/http/apparent-encoding.js`, "createRequire(import.meta.url)('chardet')", "require('chardet')"],
  [`${packages}serializer/dist/registry.js`, "createRequire(import.meta.url)('superjson')", "require('superjson')"],
  [`${packages}core/dist/executors/option-names.js`, "createRequire(import.meta.url)('fastest-levenshtein')", "require('fastest-levenshtein')"],
  // rf worker runs its own copy of the request task, whatever file the coordinator named.
  [
    `${packages}distributed/dist/worker/engine-refs.js`,
    "new URL('../../../core/dist/http/request-task.js', import.meta.url)",
    "new URL('./rf-request-task.mjs', import.meta.url)",
  ],
];

const relocate = {
  name: 'relocate-fn-refs',
  setup(build) {
    for (const [file, from, to] of LOCATIONS) {
      const filter = new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`);
      build.onLoad({ filter }, async () => {
        const source = await readFile(file, 'utf8');
        if (!source.includes(from)) throw new Error(`bundle: ${file} no longer contains ${from}; update LOCATIONS in scripts/bundle.mjs`);
        return { contents: source.replace(from, to), loader: 'js', resolveDir: file.slice(0, file.lastIndexOf('/')) };
      });
    }
  },
};

await rm(outdir, { recursive: true, force: true });
const result = await esbuild.build({
  entryPoints: Object.entries(ENTRIES).map(([out, input]) => ({ in: input, out })),
  outdir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunk-[hash]',
  // tinypool starts its children from files next to its own (import.meta.url + '/../entry/process.js').
  external: ['tinypool'],
  // Class names identify classes on the wire (the serializer's registry) and in error messages.
  keepNames: true,
  // CommonJS dependencies (commander, tough-cookie, cli-progress) call require() for Node's built-ins.
  banner: { js: "import { createRequire as __rfCreateRequire } from 'node:module'; const require = __rfCreateRequire(import.meta.url);" },
  plugins: [relocate, lazyListFormats, formDataName],
  logLevel: 'warning',
  metafile: true,
});
/**
 * keepNames wraps every named function in __name(fn, 'name'), one
 * Object.defineProperty each time the function is made: for closures made per
 * request (got's option checks, our per-file callbacks) that was ~4% of rf
 * download's main thread on 5,000 small files. Only classes need their names
 * (see keepNames above); a function without a `prototype` (an arrow, a method,
 * an async function) is never a class, so it keeps whatever name V8 gave it.
 */
const NAME_HELPER = 'var __name = (target, value) => __defProp(target, "name", { value, configurable: true });';
const LEAN_NAME_HELPER = 'var __name = (target, value) => target.prototype === void 0 ? target : __defProp(target, "name", { value, configurable: true });';
const helperFiles = [];
for (const file of Object.keys(result.metafile.outputs)) {
  const source = await readFile(file, 'utf8');
  if (!source.includes(NAME_HELPER)) continue;
  await writeFile(file, source.replace(NAME_HELPER, LEAN_NAME_HELPER));
  helperFiles.push(file);
}
if (helperFiles.length !== 1) throw new Error(`bundle: esbuild's __name helper found in ${helperFiles.length} files, expected 1; update NAME_HELPER in scripts/bundle.mjs`);

// Every pool child preloads the worker's handshake guard, found beside the bundled entry-location code.
await copyFile(`${packages}worker/dist/handshake-guard.cjs`, `${outdir}/handshake-guard.cjs`);
const guardLookup = "new URL('./handshake-guard.cjs', import.meta.url)";
if (!(await readFile(`${packages}worker/dist/entry-location.js`, 'utf8')).includes(guardLookup)) {
  throw new Error(`bundle: worker/dist/entry-location.js no longer finds the guard by ${guardLookup}; update scripts/bundle.mjs`);
}

/**
 * The bin, bundle/rf.cjs: the CommonJS launcher (src/launch.cts) that sizes
 * libuv's thread pool before any ESM loads, then imports bundle/rf.mjs.
 */
const handOver = {
  name: 'hand-over-to-rf-mjs',
  setup(build) {
    build.onResolve({ filter: /^\.\/rf\.js$/ }, () => ({ path: './rf.mjs', external: true }));
  },
};
const launcher = await esbuild.build({
  entryPoints: [`${packages}cli/dist/launch.cjs`],
  outfile: `${outdir}/rf.cjs`,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  plugins: [handOver],
  logLevel: 'warning',
  metafile: true,
});
const launcherSource = await readFile(`${outdir}/rf.cjs`, 'utf8');
if (!launcherSource.includes('import("./rf.mjs")')) throw new Error('bundle: rf.cjs does not import ./rf.mjs; check src/launch.cts');
Object.assign(result.metafile.outputs, launcher.metafile.outputs);

const outputs = Object.entries(result.metafile.outputs);
const bytes = outputs.reduce((sum, [, output]) => sum + output.bytes, 0);
console.log(`bundle: ${outputs.length} files, ${(bytes / 1024).toFixed(0)} KiB in ${outdir}`);
