/**
 * The bundled rf (the package's bin, bundle/rf.cjs, which runs bundle/rf.mjs) behaves as the compiled
 * one, and its pool children run the bundled child entry and request task:
 * nothing of packages/{core,worker,serializer}/dist is loaded by any process
 * (NODE_DEBUG=esm logs every module each process stores; the children inherit
 * the environment).
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RF_BIN, RF_INSTALLED_BIN, runRfProcess } from './helpers.js';


const RF_BUNDLE = RF_INSTALLED_BIN;
const BODY = Buffer.from('bundled rf, 0123456789'.repeat(50));
// Past the engine's 64 KiB small-body path: streamed, hashed on the hasher thread (which broke in the bundle once).
const LARGE_BODY = Buffer.alloc(3 * 1024 * 1024 + 17, 'large body ');

/** NODE_DEBUG=esm makes every process (children inherit it) log each module it stores. */
const run = (bin: string, args: string[], debug = false) =>
  runRfProcess(args, { bin, env: debug ? { ...process.env, NODE_DEBUG: 'esm' } : process.env });

let server: Server;
let base: string;
let work: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/missing') res.writeHead(404).end();
    else if (req.url === '/set-cookie') res.writeHead(302, { 'Set-Cookie': 'flavour=oat; Path=/', Location: '/echo-cookie' }).end();
    else if (req.url === '/echo-cookie') res.end(`cookie: ${req.headers.cookie ?? 'none'}`);
    else if (req.url === '/large') res.end(LARGE_BODY);
    else res.end(BODY);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  work = await mkdtemp(path.join(tmpdir(), 'rf-bundle-'));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(work, { recursive: true, force: true });
});

describe('the bundled rf bin', () => {
  it('prints the same help as dist/rf.js', async () => {
    const [bundled, compiled] = await Promise.all([run(RF_BUNDLE, ['download', '--help']), run(RF_BIN, ['download', '--help'])]);
    expect(bundled.code).toBe(0);
    expect(bundled.stdout).toContain('--processes <N>');
    expect(bundled.stdout).toBe(compiled.stdout);
  });

  it.each([[[]], [['--processes', '2']]])('downloads with %j through bundled modules only, children included', async (extra) => {
    const list = path.join(work, `list${extra.length}.txt`);
    const out = path.join(work, `out${extra.length}`);
    const manifest = path.join(work, `manifest${extra.length}.jsonl`);
    await writeFile(list, `${base}/a\ta.bin\n${base}/b\tb.bin\n${base}/large\tlarge.bin\n${base}/missing\tmissing.bin\n`);
    const result = await run(RF_BUNDLE, ['download', list, '-o', out, '--manifest', manifest, '--retries', '0', ...extra], true);
    // One 404: exit code 1, the two others saved with their digests.
    expect(result.code).toBe(1);
    const entries = (await readFile(manifest, 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
    const digest = createHash('sha256').update(BODY).digest('hex');
    // The manifest follows completion order.
    const largeDigest = createHash('sha256').update(LARGE_BODY).digest('hex');
    expect(entries.filter((e) => e.ok).map((e) => [e.path, e.sha256]).sort()).toEqual([['a.bin', digest], ['b.bin', digest], ['large.bin', largeDigest]]);
    expect((await readFile(path.join(out, 'large.bin'))).equals(LARGE_BODY)).toBe(true);
    expect(await readFile(path.join(out, 'a.bin'))).toEqual(BODY);
    const modules = [...result.stderr.matchAll(/Storing (file:\S+)/g)].map((match) => match[1]!);
    expect(modules.some((url) => url.endsWith('/bundle/rf.mjs'))).toBe(true);
    expect(modules.filter((url) => /\/packages\/(core|worker|serializer)\/dist\//.test(url))).toEqual([]);
    if (extra.length > 0) {
      // The children ran the bundled entry and imported the bundled request task by its fnRef.
      expect(modules.filter((url) => url.endsWith('/bundle/rf-child.mjs')).length).toBe(2);
      expect(modules.some((url) => url.endsWith('/bundle/rf-request-task.mjs'))).toBe(true);
    }
  });

  it('has every package it loads inside: no module is looked up at run time next to the bundle', async () => {
    // A package the engine requires on first use (tough-cookie, chardet) must be bundled, not resolved
    // from bundle/'s own node_modules, which an installed rf does not have.
    const { readdir } = await import('node:fs/promises');
    const bundleDir = path.dirname(RF_BUNDLE);
    const lookups: string[] = [];
    for (const name of await readdir(bundleDir)) {
      const source = await readFile(path.join(bundleDir, name), 'utf8');
      for (const match of source.matchAll(/createRequire\d*\(import\.meta\.url\)\(("[^"]+")\)/g)) lookups.push(`${name}: ${match[1]}`);
    }
    expect(lookups).toEqual([]);
  });

  it.each([[[]], [['--processes', '2']]])('follows a Set-Cookie redirect with the cookie (%j): tough-cookie loads from the bundle', async (extra) => {
    const list = path.join(work, `cookie-list${extra.length}.txt`);
    const out = path.join(work, `cookie-out${extra.length}`);
    await writeFile(list, `${base}/set-cookie\tcookie.txt\n`);
    const result = await run(RF_BUNDLE, ['download', list, '-o', out, '--retries', '0', ...extra]);
    expect(result.stderr).not.toMatch(/Cannot find module/);
    expect(result.code).toBe(0);
    expect(await readFile(path.join(out, 'cookie.txt'), 'utf8')).toBe('cookie: flavour=oat');
  });

  it('runs rf bench --processes 1, whose child imports the bundled loop task', async () => {
    const result = await run(RF_BUNDLE, ['bench', `${base}/a`, '-n', '50', '-c', '2', '--processes', '1', '--json'], true);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).responses).toBe(50);
    expect(result.stderr).toMatch(/Storing file:\S+\/bundle\/rf-bench-task\.mjs/);
  });
});
