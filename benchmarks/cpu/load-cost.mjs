/**
 * What a pool child pays to load its code, and what a V8 code cache or a
 * one-file bundle would save (#14 asks for a code cache for the child entry:
 * measure it before building it). Each figure is the CPU (process.cpuUsage)
 * of one fresh Node process from its first line to the end of the step,
 * arms interleaved, medians of --reps:
 *
 *   engine, as dist/ has it   import the child's modules as a pool child does
 *                             (worker protocol, core task-context, the request task
 *                             and everything it imports: about 100 ESM files)
 *   engine, one-file bundle   the same modules bundled by esbuild into a temporary directory
 *   got, vendored ESM         core/dist/vendor/got.js, as got-loader.ts imports it, then 17 GETs
 *   got, vm.Script            the same got as one CommonJS script compiled by vm.Script, then 17 GETs
 *   got, vm.Script + cache    the same with the cachedData V8 produced after 17 GETs in an earlier process
 *
 *   node benchmarks/cpu/load-cost.mjs [--reps 7]
 *
 * Needs `pnpm build` (dist/ and the vendored got). esbuild comes from packages/core's devDependencies.
 */
import { execFileSync, fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({ options: { reps: { type: 'string', default: '7' }, step: { type: 'string' }, dir: { type: 'string' }, url: { type: 'string' } } });
const packages = fileURLToPath(new URL('../../packages/', import.meta.url));
const ENGINE = [`${packages}worker/dist/protocol.js`, `${packages}core/dist/task-context.js`, `${packages}core/dist/http/request-task.js`];
const cpuMs = (since) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

/** got as one CommonJS function, compiled by vm.Script (with V8's code cache when `cachedData` is given). */
async function gotThroughVm(dir, cachedData) {
  const vm = await import('node:vm');
  const file = join(dir, 'got.cjs');
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'utf8')}\n})`, { filename: file, ...(cachedData ? { cachedData } : {}) });
  if (cachedData && script.cachedDataRejected) throw new Error('V8 rejected the code cache');
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(`${packages}core/package.json`), module, file, dir);
  return { got: module.exports, script };
}

async function seventeenGets(got, url) {
  const { Agent } = await import('node:http');
  const agent = new Agent({ keepAlive: true });
  const client = got.extend({ agent: { http: agent }, retry: { limit: 0 } });
  for (let i = 0; i < 17; i++) if ((await client(url)).statusCode !== 200) throw new Error('not 200');
  agent.destroy();
}

/** One step in this (fresh) process; prints its CPU in ms. */
async function runStep(step, dir, url) {
  const start = process.cpuUsage();
  if (step === 'engine-dist') for (const file of ENGINE) await import(pathToFileURL(file).href);
  else if (step === 'engine-bundle') for (const name of ['protocol', 'task-context', 'request-task']) await import(pathToFileURL(join(dir, `${name}.mjs`)).href);
  else if (step === 'got-esm') await seventeenGets((await import(pathToFileURL(`${packages}core/dist/vendor/got.js`).href)).default, url);
  else if (step === 'got-vm' || step === 'got-vm-cache') {
    const cachedData = step === 'got-vm-cache' ? readFileSync(join(dir, 'got.cache')) : undefined;
    await seventeenGets((await gotThroughVm(dir, cachedData)).got, url);
  } else if (step === 'make-cache') {
    const { got, script } = await gotThroughVm(dir);
    await seventeenGets(got, url);
    writeFileSync(join(dir, 'got.cache'), script.createCachedData());
  } else throw new Error(`unknown step ${step}`);
  console.log(cpuMs(start).toFixed(1));
}

if (args.step) {
  await runStep(args.step, args.dir, args.url);
} else {
  const dir = mkdtempSync(join(tmpdir(), 'rf-load-cost-'));
  const require = createRequire(`${packages}core/package.json`);
  const esbuild = require('esbuild');
  const server = fork(fileURLToPath(new URL('./small-json-server.mjs', import.meta.url)), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const [port] = await once(server, 'message');
    const url = `http://127.0.0.1:${port}/small`;
    // got's own packages stay outside the engine's bundle, as they are outside dist/http.
    const external = ['got', 'tough-cookie', 'chardet', 'http2-wrapper', 'tsx', 'tsx/*'];
    await esbuild.build({
      entryPoints: { protocol: ENGINE[0], 'task-context': ENGINE[1], 'request-task': ENGINE[2] },
      bundle: true, splitting: true, format: 'esm', platform: 'node', target: 'node20', outdir: dir, outExtension: { '.js': '.mjs' }, external, logLevel: 'warning',
    });
    await esbuild.build({
      stdin: { contents: "module.exports = require('got').default;", resolveDir: `${packages}core`, loader: 'js' },
      bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: join(dir, 'got.cjs'), external: ['http2-wrapper'], logLevel: 'warning',
    });
    const step = (name) => Number(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--step', name, '--dir', dir, '--url', url], { encoding: 'utf8' }).trim());
    step('make-cache');
    const steps = { 'engine, as dist/ has it': 'engine-dist', 'engine, one-file bundle': 'engine-bundle', 'got, vendored ESM (+17 GETs)': 'got-esm', 'got, vm.Script (+17 GETs)': 'got-vm', 'got, vm.Script + code cache (+17 GETs)': 'got-vm-cache' };
    const results = Object.fromEntries(Object.keys(steps).map((label) => [label, []]));
    for (let rep = 0; rep < Number(args.reps); rep++) for (const [label, name] of Object.entries(steps)) results[label].push(step(name));
    const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    console.log(`CPU ms of a fresh process, medians of ${args.reps} (loadavg ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}):`);
    for (const [label, values] of Object.entries(results)) console.log(`  ${label}: ${median(values).toFixed(0)} ms  [${values.map((v) => v.toFixed(0)).join(' ')}]`);
  } finally {
    server.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}
