/**
 * What a fresh process loads to send a request (a pool child pays for each
 * module on start-up): got from its one-file build when it is there, from
 * the package when it is not; tough-cookie only once a cookie is involved,
 * http2-wrapper only for an HTTP/2 request; saveTo, Digest auth, netrc, the
 * byte throttle and the background callback's session view only for a request
 * that uses them.
 * Each case runs in a process of its own, since a module once loaded stays.
 */
import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { server, useTestEngine } from './engine.js';

const run = promisify(execFile);
const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist');

useTestEngine();

/** Runs `body` (an ES module's text, `dist` and `url` in scope) in a fresh node; returns what it printed as JSON. */
async function inFreshProcess(body: string): Promise<unknown> {
  const script = `const dist = ${JSON.stringify(pathToFileURL(dist).href)}; const url = ${JSON.stringify(server.url)};\n${body}`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: dist });
  return JSON.parse(stdout);
}

/**
 * An ES module hook (module.register) in the fresh process that tells the main thread each URL it loads;
 * `loadedModules()` returns them once a last, sentinel import's own message arrived (the hook thread posts in order).
 */
const RECORD_LOADS = `
  const { register } = await import('node:module');
  const { MessageChannel } = await import('node:worker_threads');
  const hooks = 'data:text/javascript,' + encodeURIComponent('let port; export function initialize(data) { port = data.port; } export async function load(url, context, next) { port.postMessage(url); return next(url, context); }');
  const { port1, port2 } = new MessageChannel();
  register(hooks, { data: { port: port2 }, transferList: [port2] });
  const loaded = [];
  port1.on('message', (url) => loaded.push(url));
  let calls = 0;
  const loadedModules = async () => {
    // A module loads once: each call's sentinel is a new one.
    const sentinel = 'data:text/javascript,export default ' + ++calls;
    const arrived = new Promise((resolve) => port1.on('message', (url) => url === sentinel && resolve()));
    await import(sentinel);
    await arrived;
    return loaded.filter((url) => url.startsWith(dist)).map((url) => url.slice(dist.length + 1));
  };
`;

/** What a pool child serving plain requests never loads (they load on first use). */
const LOADED_ON_FIRST_USE = ['http/save-request.js', 'http/save-to.js', 'http/part-claim.js', 'http/kept-target.js', 'http/digest-hops.js', 'http/digest-auth.js', 'http/netrc.js', 'http/body-throttle.js', 'http/session-view.js'];

describe('what the engine loads', () => {
  it('the build has the one-file got, and requests run on it rather than on the package', async () => {
    expect(existsSync(path.join(dist, 'vendor/got.js'))).toBe(true);
    const result = await inFreshProcess(`
      const { loadGot } = await import(dist + '/http/got-loader.js');
      const instance = await loadGot();
      const vendored = (await import(dist + '/vendor/got.js')).default;
      const { createRequire } = await import('node:module');
      const packaged = (await import(createRequire(dist + '/index.js').resolve('got'))).default;
      const Options = instance.defaults.options.constructor;
      console.log(JSON.stringify({ vendored: Options === vendored.defaults.options.constructor, packaged: Options === packaged.defaults.options.constructor }));
    `);
    expect(result).toEqual({ vendored: true, packaged: false });
  });

  it('the one-file got makes no Intl.ListFormat when it loads, and words a failed option check as the package does', async () => {
    const result = await inFreshProcess(`
      let made = 0;
      const ListFormat = Intl.ListFormat;
      Intl.ListFormat = class extends ListFormat { constructor(...args) { super(...args); made += 1; } };
      const vendored = (await import(dist + '/vendor/got.js')).default;
      const madeAtLoad = made;
      const { createRequire } = await import('node:module');
      const packaged = (await import(createRequire(dist + '/index.js').resolve('got'))).default;
      const failure = (got) => { try { got.extend({ searchParams: 5 }); return 'no error'; } catch (error) { return error.message; } };
      const messages = [failure(vendored), failure(vendored), failure(packaged)];
      // The body's check names form-data-encoder's isFormData, renamed in the bundle beside @sindresorhus/is's own.
      const bodyFailure = (got) => { try { got.extend({ body: 5 }); return 'no error'; } catch (error) { return error.message; } };
      const bodyMessages = [bodyFailure(vendored), bodyFailure(packaged)];
      console.log(JSON.stringify({ madeAtLoad, messages, bodyMessages }));
    `);
    const { madeAtLoad, messages, bodyMessages } = result as { madeAtLoad: number; messages: string[]; bodyMessages: string[] };
    expect(madeAtLoad).toBe(0);
    expect(messages[0]).toContain('Expected values which are `string`, `Object`, or `undefined`');
    expect(messages).toEqual([messages[2], messages[2], messages[2]]);
    expect(bodyMessages[1]).toContain('`Iterable`, `AsyncIterable`, `FormData`, `TypedArray`');
    expect(bodyMessages[0]).toBe(bodyMessages[1]);
  });

  it('without the one-file got (a build that ran tsc alone), got comes from the package', async () => {
    // A copy of the loader in a directory of dist that has no vendor/ next to it.
    const scratch = mkdtempSync(path.join(dist, 'loader-without-vendor-'));
    try {
      cpSync(path.join(dist, 'http'), path.join(scratch, 'http'), { recursive: true });
      const result = await inFreshProcess(`
        const { loadGot } = await import(${JSON.stringify(pathToFileURL(path.join(scratch, 'http/got-loader.js')).href)});
        const instance = await loadGot();
        const { createRequire } = await import('node:module');
        const packaged = (await import(createRequire(dist + '/index.js').resolve('got'))).default;
        const response = await instance(url + '/get');
        console.log(JSON.stringify({ packaged: instance.defaults.options.constructor === packaged.defaults.options.constructor, status: response.statusCode }));
      `);
      expect(result).toEqual({ packaged: true, status: 200 });
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('loads tough-cookie only when a response sets a cookie, and http2-wrapper not for HTTP/1.1', async () => {
    const result = await inFreshProcess(`
      const { performRequest } = await import(dist + '/http/request.js');
      const { standaloneTaskContext } = await import(dist + '/task-context.js');
      const { createRequire } = await import('node:module');
      const toughCookie = createRequire(dist + '/index.js').resolve('tough-cookie');
      const spec = (target) => ({ method: 'GET', url: target, params: null, headers: { Accept: '*/*' }, data: null, json: null, files: null, auth: null, timeout: null,
        allowRedirects: true, maxRedirects: 30, verify: true, cert: null, proxies: null, environmentProxies: null, netrcEnvironment: null, hooks: { response: [] },
        backgroundCallback: null, stream: false, http2: false, maxResponseBytes: null, saveTo: null, resume: false, expectedSha256: null, checksum: true, saveWithin: null,
        retries: null, cookieJar: null, pool: { maxSize: 10, block: false }, mountedPools: null, contexts: null });
      const plain = await performRequest(spec(url + '/get'), standaloneTaskContext());
      const loadedAfterPlain = toughCookie in createRequire(dist + '/index.js').cache;
      const http2Wrapper = createRequire(dist + '/index.js').resolve('http2-wrapper');
      const http2WrapperLoaded = http2Wrapper in createRequire(dist + '/index.js').cache;
      const cookied = await performRequest(spec(url + '/cookies/set?flavour=oat'), standaloneTaskContext());
      console.log(JSON.stringify({ plain: plain.statusCode, loadedAfterPlain, http2WrapperLoaded, setCookies: cookied.setCookies.map((record) => record.header), loadedAfterCookie: toughCookie in createRequire(dist + '/index.js').cache }));
      process.exit(0);
    `);
    expect(result).toEqual({ plain: 200, loadedAfterPlain: false, http2WrapperLoaded: false, setCookies: ['flavour=oat; Path=/'], loadedAfterCookie: true });
  });

  it('a session whose jar stays empty never loads tough-cookie; its first Set-Cookie does, and the cookie is kept', async () => {
    const result = await inFreshProcess(`
      const { Session } = await import(dist + '/index.js');
      const { createRequire } = await import('node:module');
      const require = createRequire(dist + '/index.js');
      const toughCookie = require.resolve('tough-cookie');
      const session = new Session();
      const plain = await session.get(url + '/get');
      const loadedAfterPlain = toughCookie in require.cache;
      const sizeBefore = session.cookies.size;
      await session.get(url + '/cookies/set?flavour=oat');
      console.log(JSON.stringify({ plain: plain.statusCode, loadedAfterPlain, sizeBefore, loadedAfterCookie: toughCookie in require.cache, flavour: session.cookies.get('flavour') }));
      await session.close();
    `);
    expect(result).toEqual({ plain: 200, loadedAfterPlain: false, sizeBefore: 0, loadedAfterCookie: true, flavour: 'oat' });
  });

  it('a plain GET and a redirect load none of saveTo, Digest, netrc, the throttle or the session view; a saveTo request loads saveTo and saves', async () => {
    const target = path.join(mkdtempSync(path.join(os.tmpdir(), 'rf-engine-loading-')), 'bytes.bin');
    try {
      const result = await inFreshProcess(`${RECORD_LOADS}
        const { runRequestTaskIn } = await import(dist + '/http/request-task.js');
        const { standaloneTaskContext } = await import(dist + '/task-context.js');
        const { readFileSync } = await import('node:fs');
        const spec = (target, overrides = {}) => ({ method: 'GET', url: target, params: null, headers: { Accept: '*/*' }, data: null, json: null, files: null, auth: null, timeout: null,
          allowRedirects: true, maxRedirects: 30, verify: true, cert: null, proxies: null, environmentProxies: null, netrcEnvironment: null, hooks: { response: [] },
          backgroundCallback: null, stream: false, http2: false, maxResponseBytes: null, saveTo: null, resume: false, expectedSha256: null, checksum: true, saveWithin: null,
          retries: null, cookieJar: null, pool: { maxSize: 10, block: false }, mountedPools: null, contexts: null, ...overrides });
        const plain = await runRequestTaskIn(standaloneTaskContext(), spec(url + '/get'));
        const redirected = await runRequestTaskIn(standaloneTaskContext(), spec(url + '/redirect/2'));
        const afterPlain = await loadedModules();
        const saved = await runRequestTaskIn(standaloneTaskContext(), spec(url + '/bytes/1000', { saveTo: ${JSON.stringify(target)} }));
        const afterSave = await loadedModules();
        console.log(JSON.stringify({
          plain: plain.value.statusCode, redirected: [redirected.value.statusCode, redirected.value.history.length], afterPlain,
          saved: [saved.value.statusCode, saved.value.bytes, readFileSync(${JSON.stringify(target)}).length], afterSave,
        }));
        process.exit(0);
      `) as { plain: number; redirected: number[]; afterPlain: string[]; saved: number[]; afterSave: string[] };
      expect(result.plain).toBe(200);
      expect(result.redirected).toEqual([200, 2]);
      // The hook saw the engine load (a check that could fail for want of messages otherwise).
      expect(result.afterPlain).toEqual(expect.arrayContaining(['http/request.js', 'http/read-body.js']));
      expect(result.afterPlain.filter((file) => LOADED_ON_FIRST_USE.includes(file))).toEqual([]);
      expect(result.saved).toEqual([200, 1000, 1000]);
      expect(result.afterSave).toEqual(expect.arrayContaining(['http/save-request.js', 'http/save-to.js', 'http/part-claim.js']));
    } finally {
      rmSync(path.dirname(target), { recursive: true, force: true });
    }
  });
});
