#!/usr/bin/env node
/**
 * rf bench (one process, --processes 2) next to autocannon and wrk (-t1, -t2)
 * against one private nginx, in one run, the tools interleaved (the order
 * rotates each repetition), and for every run the CPU each side used: the
 * tool's (user + system of it and its children, /usr/bin/time) and nginx's
 * workers' (/proc/<pid>/stat before and after). On a machine with few cores
 * the server and the client share them, so the question "can a second load
 * process help?" is answered by these shares, not by the rates alone.
 *
 *   node benchmarks/side-by-side/load-ceiling.mjs [--workers 1|2] [--reps 3] [--seconds 5] [--connections 16] [--only rf,autocannon]
 *
 * Prints one JSON line per run and a summary table (medians). `--seconds 3,9`
 * runs every tool at both durations and also prints each tool's marginal CPU
 * per request, (CPU(9 s) - CPU(3 s)) / (requests(9 s) - requests(3 s)): its
 * steady-state cost with start-up taken out, steadier than rates on a busy
 * machine.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '1' },
    reps: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '16' },
    only: { type: 'string' },
  },
});
const WORKERS = Number(values.workers);
const REPS = Number(values.reps);
const DURATIONS = values.seconds.split(',').map(Number);
const CONNECTIONS = Number(values.connections);
const RF = fileURLToPath(new URL('../../packages/cli/bundle/rf.cjs', import.meta.url));
const AUTOCANNON = createRequire(fileURLToPath(new URL('../package.json', import.meta.url))).resolve('autocannon/autocannon.js');
const TICKS_PER_SECOND = 100;

async function freePort() {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

async function startNginx(dir, port) {
  await writeFile(join(dir, 'small.bin'), Buffer.alloc(64, 'x'));
  for (const sub of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) await mkdir(join(dir, sub));
  const conf = `${process.getuid?.() === 0 ? 'user root root;' : ''}
daemon off; master_process on; worker_processes ${WORKERS}; pid ${dir}/nginx.pid; error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http { access_log off; sendfile on; tcp_nopush on; tcp_nodelay on; keepalive_timeout 120s; keepalive_requests 1000000;
  client_body_temp_path ${dir}/client_body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  server { listen 127.0.0.1:${port}; root ${dir}; location / { try_files $uri =404; } } }`;
  await writeFile(join(dir, 'nginx.conf'), conf);
  const master = spawn('/usr/sbin/nginx', ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')], { stdio: 'ignore' });
  for (let i = 0; i < 200; i++) {
    const res = await fetch(`http://127.0.0.1:${port}/small.bin`).catch(() => null);
    if (res?.ok) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return master;
}

async function workerPids(masterPid) {
  const pids = [];
  for (const task of await readdir(`/proc/${masterPid}/task`)) {
    const children = (await readFile(`/proc/${masterPid}/task/${task}/children`, 'utf8')).trim();
    if (children) pids.push(...children.split(/\s+/).map(Number));
  }
  return pids;
}

async function cpuTicks(pids) {
  let total = 0;
  for (const pid of pids) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    total += Number(fields[11]) + Number(fields[12]);
  }
  return total;
}

/** Runs argv under /usr/bin/time; resolves with stdout, stderr and the CPU seconds of it and its children. */
async function timed(argv) {
  const child = spawn('/usr/bin/time', ['-f', 'CPU %U %S', ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  const [code] = await once(child, 'close');
  const m = /CPU ([\d.]+) ([\d.]+)/.exec(stderr);
  if (code !== 0 || !m) throw new Error(`${argv.join(' ')} exited ${code}: ${stderr.slice(-500)}`);
  return { stdout, stderr, cpuSeconds: Number(m[1]) + Number(m[2]) };
}

const wrkRate = (out) => {
  const m = /(\d+) requests in ([\d.]+)(m?s)/.exec(out);
  const errs = /Non-2xx|Socket errors/.test(out);
  if (!m || errs) throw new Error(`wrk: ${out}`);
  return { requests: Number(m[1]), seconds: Number(m[2]) / (m[3] === 'ms' ? 1000 : 1) };
};

function tools(url, seconds) {
  const rf = (extra) => async () => {
    const run = await timed([process.execPath, RF, 'bench', url, '-c', String(CONNECTIONS), '-d', `${seconds}s`, '--json', '--no-progress', ...extra]);
    const r = JSON.parse(run.stdout);
    if (r.requests !== r.responses || Object.keys(r.statusCodes).some((c) => c !== '200')) throw new Error(`rf: ${JSON.stringify(r.statusCodes)} ${JSON.stringify(r.errors)}`);
    return { requests: r.responses, seconds: r.durationMs / 1000, cpuSeconds: run.cpuSeconds };
  };
  return {
    autocannon: async () => {
      const run = await timed([process.execPath, AUTOCANNON, '-c', String(CONNECTIONS), '-d', String(seconds), '--json', url]);
      const r = JSON.parse(run.stdout);
      if (r.errors + r.timeouts + r.non2xx > 0) throw new Error(`autocannon: errors ${r.errors}`);
      return { requests: r.requests.total, seconds: r.duration, cpuSeconds: run.cpuSeconds };
    },
    rf: rf([]),
    'rf --processes 2': rf(['--processes', '2']),
    'wrk -t1': async () => {
      const run = await timed(['wrk', '-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, url]);
      return { ...wrkRate(run.stdout), cpuSeconds: run.cpuSeconds };
    },
    'wrk -t2': async () => {
      const run = await timed(['wrk', '-t2', `-c${CONNECTIONS}`, `-d${seconds}s`, url]);
      return { ...wrkRate(run.stdout), cpuSeconds: run.cpuSeconds };
    },
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const loadAverage = async () => Number((await readFile('/proc/loadavg', 'utf8')).split(' ')[0]);

const dir = await mkdtemp(join(tmpdir(), 'rf-load-ceiling-'));
const port = await freePort();
const master = await startNginx(dir, port);
const url = `http://127.0.0.1:${port}/small.bin`;
const results = [];
try {
  const workers = await workerPids(master.pid);
  const names = values.only ? values.only.split(',') : Object.keys(tools(url, 0));
  for (let rep = 0; rep < REPS; rep++) {
    const order = names.map((_, i) => names[(i + rep) % names.length]);
    for (const [name, seconds] of order.flatMap((name) => DURATIONS.map((d) => [name, d]))) {
      const all = tools(url, seconds);
      const load = await loadAverage();
      const before = await cpuTicks(workers);
      const started = performance.now();
      const run = await all[name]();
      const wallSeconds = (performance.now() - started) / 1000;
      const nginxCpuSeconds = ((await cpuTicks(workers)) - before) / TICKS_PER_SECOND;
      const line = {
        rep,
        tool: name,
        seconds,
        requests: run.requests,
        rps: Math.round(run.requests / run.seconds),
        toolCpuSeconds: run.cpuSeconds,
        toolCpuUsPerRequest: Math.round((run.cpuSeconds * 1e6) / run.requests),
        // nginx's CPU over the tool's measured window (nginx idles while the tool starts).
        nginxCores: Math.round((nginxCpuSeconds / run.seconds) * 100) / 100,
        wallSeconds: Math.round(wallSeconds * 100) / 100,
        nginxCpuUsPerRequest: Math.round((nginxCpuSeconds * 1e6) / run.requests),
        load,
      };
      results.push(line);
      console.log(JSON.stringify(line));
    }
  }
} finally {
  master.kill('SIGTERM');
  await once(master, 'exit');
  await rm(dir, { recursive: true, force: true });
}

const longest = Math.max(...DURATIONS);
console.log(`\nnginx worker_processes ${WORKERS}, ${CONNECTIONS} connections, ${longest} s runs, ${REPS} reps, ${cpus().length} cores; medians`);
console.log('tool                 req/s   ×autocannon(paired)  tool CPU µs/req  nginx CPU µs/req  nginx cores  load  marginal tool CPU µs/req');
const byTool = (name) => results.filter((r) => r.tool === name && r.seconds === longest);
/** Steady-state CPU per request: the longer run's extra CPU over its extra requests, per repetition. */
const marginal = (name) => {
  if (DURATIONS.length < 2) return [];
  const shortest = Math.min(...DURATIONS);
  return byTool(name).flatMap((long) => {
    const short = results.find((r) => r.tool === name && r.rep === long.rep && r.seconds === shortest);
    return short && long.requests > short.requests ? [((long.toolCpuSeconds - short.toolCpuSeconds) * 1e6) / (long.requests - short.requests)] : [];
  });
};
const ac = byTool('autocannon');
for (const name of [...new Set(results.map((r) => r.tool))]) {
  const rows = byTool(name);
  const ratios = rows.map((r) => r.rps / (ac.find((a) => a.rep === r.rep)?.rps ?? NaN));
  console.log(
    [name.padEnd(18), String(median(rows.map((r) => r.rps))).padStart(8), median(ratios).toFixed(2).padStart(10), String(median(rows.map((r) => r.toolCpuUsPerRequest))).padStart(16), String(median(rows.map((r) => r.nginxCpuUsPerRequest))).padStart(16), median(rows.map((r) => r.nginxCores)).toFixed(2).padStart(14), median(rows.map((r) => r.load)).toFixed(1).padStart(6), marginal(name).map((m) => m.toFixed(1)).join(' / ').padStart(12)].join(' '),
  );
}
