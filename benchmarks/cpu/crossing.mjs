/**
 * CPU per crossing of a small GET, serializer only: encodeAhead + encode of the
 * task payload (coordinator), decode of it (child), encode of the packed
 * outcome (child), decode + unpack (coordinator). Compares builds side by side
 * in one process (interleaved), so the figures are ratios a loaded machine keeps:
 *
 *   node benchmarks/cpu/crossing.mjs [/other/checkout ...]   (checkout roots, this one first)
 */
import { createServer } from 'node:http';
import { once } from 'node:events';
import v8 from 'node:v8';
import { fileURLToPath, pathToFileURL } from 'node:url';

const roots = [fileURLToPath(new URL('../..', import.meta.url)), ...process.argv.slice(2)];
const server = createServer((request, response) => {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end('{"id":4211,"name":"requests-futures","ok":true,"tags":["http","futures","bench"],"owner":{"login":"bench","id":7},"updatedAt":"2024-01-01T00:00:00.000Z","score":0.875,"description":"a small JSON answer of about two hundred bytes"}');
});
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const url = `http://127.0.0.1:${server.address().port}/small`;

async function load(root) {
  const at = (path) => import(pathToFileURL(`${root}/packages/${path}`).href);
  const serializer = await at('serializer/dist/index.js');
  const { buildSpec } = await at('core/dist/session/merge.js');
  const { SessionState } = await at('core/dist/session/session-state.js');
  const { performRequest } = await at('core/dist/http/request.js');
  const { fnRef } = serializer;
  const crossing = await at('core/dist/http/outcome-crossing.js').catch(() => undefined);
  const state = new SessionState({}, 16);
  const ref = fnRef(pathToFileURL(`${root}/packages/core/dist/http/request-task.js`), 'runRequestTask');
  const spec = () => buildSpec(state, 'GET', url, {});
  const response = await performRequest(spec(), {});
  // buildSpec is in both builds' figure for the coordinator's encode: a fresh spec per request, as a session makes.
  const coordinatorOut = () => {
    const s = spec();
    // As FuturesSession (encodeAhead) or, before it, assertPicklable, then the executor's encode.
    if (serializer.encodeAhead) serializer.encodeAhead(s, { rootPath: '' });
    else serializer.assertPicklable(s, '');
    return serializer.encode({ fn: ref, args: [s] }, { rootPath: '' });
  };
  const taskWire = v8.serialize(coordinatorOut());
  const outcome = { value: response, setCookies: response.setCookies };
  const sent = spec();
  // packOutcome takes the request headers off the response: a fresh response each time, as in a child.
  const replyOf = () => {
    if (!crossing) return outcome;
    const value = Object.assign(Object.create(Object.getPrototypeOf(response)), response, { request: { ...response.request } });
    return crossing.packOutcome({ value, setCookies: value.setCookies }, sent);
  };
  const replyWire = v8.serialize(serializer.encode(replyOf(), { rootPath: 'result' }));
  return {
    root,
    steps: {
      'coordinator: check + encode spec': () => coordinatorOut(),
      'child: decode task': () => serializer.decode(v8.deserialize(taskWire)),
      'child: encode reply': () => serializer.encode(replyOf(), { rootPath: 'result' }),
      'coordinator: decode reply': () => {
        const value = serializer.decode(v8.deserialize(replyWire));
        return crossing ? crossing.unpackOutcome(value, sent) : value;
      },
    },
    bytes: { task: taskWire.length, reply: replyWire.length },
  };
}

const builds = [];
for (const root of roots) builds.push(await load(root));
server.close();

const N = 20000;
const results = builds.map(() => ({}));
for (let round = 0; round < 5; round++) {
  builds.forEach((build, b) => {
    for (const [name, step] of Object.entries(build.steps)) {
      for (let i = 0; i < 2000; i++) step();
      const start = process.cpuUsage();
      for (let i = 0; i < N; i++) step();
      const used = process.cpuUsage(start);
      (results[b][name] ??= []).push((used.user + used.system) / N);
    }
  });
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(`CPU µs per call, median of 5 interleaved rounds of ${N} (loadavg ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')})`);
builds.forEach((build, b) => {
  console.log(build.root, `(task message ${build.bytes.task} B, reply ${build.bytes.reply} B)`);
  for (const name of Object.keys(build.steps)) console.log(`  ${name.padEnd(36)} ${median(results[b][name]).toFixed(1)}`);
});
