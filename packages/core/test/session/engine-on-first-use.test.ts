/**
 * A coordinator that sends its requests to a ProcessPoolExecutor does not load
 * the in-process engine (http/request-task.js and what it imports): its
 * children do. Session and an in-process FuturesSession load it with their
 * first request, and it is then the same module a child's fnRef names.
 * Each case runs in a fresh process, with a resolve hook reporting every
 * module URL the process loads (a module once loaded stays).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { startTestServer, type TestServer } from '../helpers/server.js';

const run = promisify(execFile);
const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist');

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

/**
 * Runs `body` (an ES module's text; `dist`, `url` and `loaded()` in scope) in a fresh node and returns
 * what it printed as JSON. `await loaded()` is the set of module URLs resolved so far: a last import
 * of a marker module, whose URL arriving means every earlier one has (one port keeps their order).
 */
async function inFreshProcess(body: string): Promise<unknown> {
  const hooks = `let port; export function initialize(data) { port = data.port; }
    export async function resolve(specifier, context, next) { const result = await next(specifier, context); port.postMessage(result.url); return result; }`;
  const script = `
    const dist = ${JSON.stringify(pathToFileURL(dist).href)}; const url = ${JSON.stringify(server.url)};
    const { register } = await import('node:module');
    const { MessageChannel } = await import('node:worker_threads');
    const { port1, port2 } = new MessageChannel();
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hooks)}), { data: { port: port2 }, transferList: [port2] });
    const seen = new Set();
    port1.on('message', (url) => seen.add(url));
    port1.unref(); // the process still exits once its work is done
    let markers = 0;
    async function loaded() {
      const marker = 'data:text/javascript,export default ' + ++markers;
      const arrived = new Promise((resolve) => port1.on('message', function onUrl(url) { if (url === marker) { port1.off('message', onUrl); resolve(); } }));
      port1.ref(); // held open while the marker is on its way
      await import(marker);
      await arrived;
      port1.unref();
      return seen;
    }
    const engine = (urls) => [...urls].some((url) => url.endsWith('/dist/http/request-task.js'));
    const sender = (urls) => [...urls].some((url) => url.endsWith('/dist/http/send-hop.js'));
    // What only in-process requests, a lost save or a misspelt option need (request-engine.ts, orphaned-parts.ts, option-names.ts).
    const lazies = (urls) => [...urls].map((url) => url.slice(url.lastIndexOf('/') + 1)).filter((name) => ['agents.js', 'proxy.js', 'http2-agents.js', 'engine-files.js', 'mod.js'].includes(name)).sort();
    ${body}
  `;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: dist });
  return JSON.parse(stdout);
}

describe('the in-process engine loads on first use', () => {
  it('a FuturesSession on a ProcessPoolExecutor gets its response without loading the engine in the coordinator', async () => {
    const result = await inFreshProcess(`
      const { FuturesSession, ProcessPoolExecutor } = await import(dist + '/index.js');
      const afterImport = await loaded();
      const state = { engineAfterImport: engine(afterImport), senderAfterImport: sender(afterImport), laziesAfterImport: lazies(afterImport) };
      const executor = new ProcessPoolExecutor({ maxWorkers: 1, execArgv: [] });
      const session = new FuturesSession({ executor });
      const response = await session.get(url + '/get');
      const afterRequest = await loaded();
      Object.assign(state, { status: response.statusCode, path: new URL(response.json().url).pathname, engineAfterRequest: engine(afterRequest), laziesAfterRequest: lazies(afterRequest) });
      await session.close();
      await executor.shutdown({ wait: true });
      console.log(JSON.stringify(state));
    `);
    expect(result).toEqual({
      engineAfterImport: false,
      senderAfterImport: false,
      laziesAfterImport: [],
      status: 200,
      path: '/get',
      engineAfterRequest: false,
      laziesAfterRequest: [],
    });
  });

  it('Session loads it with its first request, and its requests run as before', async () => {
    const result = await inFreshProcess(`
      const { Session } = await import(dist + '/index.js');
      const engineAfterImport = engine(await loaded());
      const session = new Session();
      const [first, second] = await Promise.all([session.get(url + '/get?n=1'), session.get(url + '/get?n=2')]);
      const third = await session.get(url + '/status/418');
      const engineAfterRequest = engine(await loaded());
      console.log(JSON.stringify({ engineAfterImport, engineAfterRequest, args: [first.json().args, second.json().args], third: third.statusCode }));
      await session.close();
    `);
    expect(result).toEqual({ engineAfterImport: false, engineAfterRequest: true, args: [{ n: '1' }, { n: '2' }], third: 418 });
  });

  it('an in-process FuturesSession loads the very module a child runs (one copy), and an error inside it still reaches the future', async () => {
    const result = await inFreshProcess(`
      const { FuturesSession, ThreadPoolExecutor } = await import(dist + '/index.js');
      const session = new FuturesSession({ executor: new ThreadPoolExecutor({ maxWorkers: 2 }) });
      const response = await session.get(url + '/get');
      const urls = await loaded();
      const copies = [...urls].filter((url) => url.includes('/http/request-task.js'));
      const sameModule = (await import(dist + '/http/request-task.js')).runRequestTask === (await import(dist + '/http/request-task.js')).runRequestTask;
      let refused;
      try { await session.get(url.replace('http://', 'ftp://')); } catch (error) { refused = error.constructor.name; }
      console.log(JSON.stringify({ status: response.statusCode, copies, sameModule, refused }));
      await session.close();
    `);
    expect(result).toEqual({ status: 200, copies: [pathToFileURL(path.join(dist, 'http/request-task.js')).href], sameModule: true, refused: 'InvalidSchema' });
  });

  it('Session and an in-process FuturesSession make their keep-alive pools with the engine: one socket reused, closed by close()', async () => {
    const result = await inFreshProcess(`
      const { createServer } = await import('node:http');
      const { once } = await import('node:events');
      const { FuturesSession, Session, ThreadPoolExecutor } = await import(dist + '/index.js');
      const laziesAfterImport = lazies(await loaded());
      const server = createServer((request, response) => response.end(String(request.socket.remotePort)));
      const open = new Set();
      server.on('connection', (socket) => { open.add(socket); socket.on('close', () => open.delete(socket)); });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const local = 'http://127.0.0.1:' + server.address().port + '/';
      const sessions = {};
      for (const [name, session] of [['Session', new Session()], ['FuturesSession', new FuturesSession({ executor: new ThreadPoolExecutor({ maxWorkers: 1 }) })]]) {
        const ports = [];
        for (let i = 0; i < 3; i++) ports.push((await session.get(local)).text);
        const openBeforeClose = open.size;
        const closes = [...open].map((socket) => once(socket, 'close'));
        await session.close();
        await Promise.all(closes);
        sessions[name] = { distinctPorts: new Set(ports).size, openBeforeClose, openAfterClose: open.size };
      }
      const idle = new FuturesSession({ executor: new ThreadPoolExecutor({ maxWorkers: 1 }) });
      await idle.close(); // no request ran: nothing to make or close
      server.close();
      console.log(JSON.stringify({ laziesAfterImport, sessions, laziesAfterRequests: lazies(await loaded()) }));
    `);
    expect(result).toEqual({
      laziesAfterImport: [],
      sessions: {
        Session: { distinctPorts: 1, openBeforeClose: 1, openAfterClose: 0 },
        FuturesSession: { distinctPorts: 1, openBeforeClose: 1, openAfterClose: 0 },
      },
      // The engine's own static imports; engine-files.js comes with the first saveTo request (http/save-request.ts, engine-loading.test.ts).
      laziesAfterRequests: ['agents.js', 'http2-agents.js', 'proxy.js'],
    });
  });
});
