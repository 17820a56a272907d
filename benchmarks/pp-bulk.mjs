import { FuturesSession, ProcessPoolExecutor } from '@requests-futures/core';
import { rm, mkdir } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
const w = Number(process.argv[2] ?? 1), reps = Number(process.argv[3] ?? 3);
const executor = new ProcessPoolExecutor({ maxWorkers: w, concurrencyPerWorker: 16 / w, ...(process.env.RF_CHILD_EXEC_ARGV ? { execArgv: process.env.RF_CHILD_EXEC_ARGV.split(' ') } : {}) });
const session = new FuturesSession({ executor, adapterOptions: { poolMaxSize: 16 } });
const urls = Array.from({ length: 64 }, (_, i) => `http://127.0.0.1:18080/4m-x64/file-${String(i).padStart(3, '0')}.bin`);
const ticks = (pid) => { try { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return Number(f[11]) + Number(f[12]); } catch { return 0; } };
const ngPids = readFileSync('/proc/' + readFileSync('/tmp/ng/nginx.pid', 'utf8').trim() + '/task/' + readFileSync('/tmp/ng/nginx.pid', 'utf8').trim() + '/children', 'utf8').trim().split(' ').map(Number);
async function pass(n) {
  await rm('/tmp/ppout', { recursive: true, force: true }); await mkdir('/tmp/ppout');
  await Promise.all(urls.slice(0, n).map((u, i) => session.get(u, { saveTo: `/tmp/ppout/${i}.bin` })));
}
await pass(16); await pass(16);
for (let r = 0; r < reps; r++) {
  const pids = [process.pid, ...ngPids, ...executor.stats().workers]; const before = pids.map(ticks);
  const t = performance.now(); await pass(64); const s = (performance.now() - t) / 1000; const mb = 64 * 4.194304;
  console.log(`PP(${w}) rep ${r}: ${(mb / s).toFixed(0)} MB/s; CPU ms/MB [coord, nginx, children...]: ${pids.map((p, i) => ((ticks(p) - before[i]) * 10 / mb).toFixed(2)).join(', ')}`);
}
await session.close(); await executor.shutdown();
