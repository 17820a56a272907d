import { FuturesSession, ProcessPoolExecutor } from '@requests-futures/core';
import got from 'got';
import { Agent } from 'node:http';
const mode = process.argv[2]; let n = Number(process.argv[3] ?? 5000), reps = Number(process.argv[4] ?? 3);
const url = 'http://127.0.0.1:18081/json';
let run, close = async () => {};
if (mode === 'got') {
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const client = got.extend({ agent: { http: agent }, retry: { limit: 0 } });
  run = async () => { let next = 0; await Promise.all(Array.from({ length: 16 }, async () => { while (next++ < n) await client(url); })); };
  close = async () => agent.destroy();
} else {
  const w = Number(mode);
  const executor = new ProcessPoolExecutor({ maxWorkers: w, concurrencyPerWorker: 16 / w, ...(process.env.RF_CHILD_EXEC_ARGV ? { execArgv: process.env.RF_CHILD_EXEC_ARGV.split(' ') } : {}) });
  const session = new FuturesSession({ executor, adapterOptions: { poolMaxSize: 16 } }); globalThis.EXEC = executor;
  run = async () => { const fs = []; for (let i = 0; i < n; i++) fs.push(session.get(url)); for (const f of fs) await f; };
  close = async () => { await session.close(); await executor.shutdown(); };
}
{ const save = n; const w = Number(process.env.WARM ?? n); globalThis.N = w; } await (async () => { const keep = n; })(); { const keep = n; n = Number(process.env.WARM ?? n); await run(); n = keep; }
import { readFileSync } from 'node:fs';
const ticks = (pid) => { try { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return Number(f[11]) + Number(f[12]); } catch { return 0; } };
const srvPid = Number(process.env.SRV_PID ?? 0);
const kids = () => (globalThis.EXEC?.stats().workers ?? []);
const sysIdle = () => { const f = readFileSync("/proc/stat","utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number); return { idle: f[3]+f[4], total: f.reduce((a,b)=>a+b,0) }; };
for (let r = 0; r < reps; r++) { const s0 = sysIdle(); const pids = [process.pid, srvPid, ...kids()]; const before = pids.map(ticks); const t = performance.now(); await run(); const s1 = sysIdle(); console.log(`busy ${Math.round(100*(1-(s1.idle-s0.idle)/(s1.total-s0.total)))}% ` + `${mode} rep ${r}: ${Math.round(n / ((performance.now() - t) / 1000))} req/s; CPU µs/request [coord, server, children...]: ${pids.map((p, i) => Math.round((ticks(p) - before[i]) * 10000 / n)).join(', ')}`); }
await close();
