/**
 * The coordinator's own serialization per small GET, builds side by side in one
 * process (interleaved rounds, CPU time), as FuturesSession and
 * ProcessPoolExecutor do it in each build:
 *   out: buildSpec, specForCrossing (where a build has it), encodeAhead, then packCall
 *        (or packWire(encode({ fn, args }))): the task's packed text;
 *   in:  decode of a packed reply (JSON.parse, the meta compiled once), unpackOutcome.
 *
 *   node benchmarks/cpu/coordinator-crossing.mjs /this/checkout /other/checkout ...   (checkout roots; ROUNDS=9)
 */
import { createServer } from 'node:http';
import { once } from 'node:events';
import { pathToFileURL } from 'node:url';
const roots = process.argv.slice(2);
const server = createServer((q, r) => { r.writeHead(200, { 'content-type': 'application/json', 'content-length': 230 }); r.end('x'.repeat(230)); });
server.listen(0, '127.0.0.1'); await once(server, 'listening');
const url = `http://127.0.0.1:${server.address().port}/small`;
async function load(root) {
  const at = (p) => import(pathToFileURL(`${root}/packages/${p}`).href);
  const ser = await at('serializer/dist/index.js');
  const { buildSpec, specPartsToCheck } = await at('core/dist/session/merge.js');
  const { SessionState } = await at('core/dist/session/session-state.js');
  const { performRequest } = await at('core/dist/http/request.js');
  const specMod = await at('core/dist/http/request-spec.js');
  const oc = await at('core/dist/http/outcome-crossing.js');
  const state = new SessionState({}, 16);
  const ref = ser.fnRef(pathToFileURL(`${root}/packages/core/dist/http/request-task.js`), 'runRequestTask');
  const s0 = buildSpec(state, 'GET', url, {});
  const response = await performRequest(s0, {});
  const packed = ser.packWire(ser.encode(oc.packOutcome({ value: response, setCookies: response.setCookies }, s0), { rootPath: 'result' }));
  const out = () => {
    const spec = buildSpec(state, 'GET', url, {});
    const crossing = specMod.specForCrossing ? specMod.specForCrossing(spec) : spec;
    ser.encodeAhead(crossing, { rootPath: '', checkOnly: specPartsToCheck(spec) });
    return ser.packCall ? ser.packCall(ref, [crossing]) : ser.packWire(ser.encode({ fn: ref, args: [crossing] }, { rootPath: "" }));
  };
  const inn = () => oc.unpackOutcome(ser.decode({ text: packed.text, meta: packed.meta, buffers: [new Uint8Array(packed.buffers[0])] }), s0);
  return { root, out, inn, replyChars: packed.text.length, specChars: out().text.length };
}
const builds = []; for (const r of roots) builds.push(await load(r));
for (const b of builds) console.log(`${b.root}: spec text ${b.specChars} chars, reply text ${b.replyChars} chars`);
const cpu = () => { const u = process.cpuUsage(); return u.user + u.system; };
const N = 20000, rounds = Number(process.env.ROUNDS ?? 9);
const res = builds.map(() => ({ out: [], inn: [] }));
for (let r = 0; r < rounds; r++) for (const [i, b] of builds.entries()) for (const k of ['out', 'inn']) {
  const t = cpu(); for (let j = 0; j < N; j++) b[k](); res[i][k].push((cpu() - t) / N);
}
const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
for (const [i, b] of builds.entries()) console.log(`${b.root}: out ${med(res[i].out).toFixed(2)} us, in ${med(res[i].inn).toFixed(2)} us` + (i ? `; ratio to first (median of rounds): out ${med(res[i].out.map((v, k) => v / res[0].out[k])).toFixed(3)}, in ${med(res[i].inn.map((v, k) => v / res[0].inn[k])).toFixed(3)}` : ''));
server.close();
