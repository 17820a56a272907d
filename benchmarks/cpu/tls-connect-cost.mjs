/**
 * What a CA bundle given as `verify` costs each HTTPS request. With trustEnv,
 * REQUESTS_CA_BUNDLE (on this machine the system bundle, 144 certificates)
 * becomes every request's `verify`. Node's tls.connect parses `ca` into a new
 * SecureContext for every connection it is not handed one for, and https.Agent
 * writes `ca` into its connection-pool key (getName) for every request.
 *
 * Each arm is a fresh process (a build, an executor, a verify mode) sending
 * `--requests` GETs that each need a new connection (the server answers
 * `Connection: close`), then as many on kept-alive sockets; CPU is that
 * process's own (coordinator) and its pool children's (/proc/<pid>/stat,
 * clock ticks), counted after a warm-up that opens the first connections.
 * Verify modes: `bundle` = a temporary file holding the system bundle and the
 * test CA (145 certificates); `floor` = verify true with the test CA added by
 * NODE_EXTRA_CA_CERTS (parsed once at process start, as this machine's own
 * variable is), so no connection parses anything. `, http2` = the same with
 * `http2: true`, kept-alive only (HTTP/2 keeps one session per origin).
 *
 *   node benchmarks/cpu/tls-connect-cost.mjs [--reps 3] [--requests 60] [CORE_DIST_INDEX_JS ...]
 *
 * Builds: this checkout's unless paths are given (`this` names it among them).
 * The HTTPS server runs in a process of its own, so its handshakes are not counted.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createSecureServer } from 'node:http2';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    reps: { type: 'string', default: '3' },
    requests: { type: 'string', default: '60' },
    'in-flight': { type: 'string', default: '4' },
    // internal: the server process, and one arm's process
    serve: { type: 'boolean', default: false },
    arm: { type: 'string' },
  },
});

const FIXTURES = fileURLToPath(new URL('../../packages/core/test/http/fixtures/', import.meta.url));
const TEST_CA = join(FIXTURES, 'localhost-cert.pem');
const SYSTEM_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const SCRIPT = fileURLToPath(import.meta.url);

/** `/close` answers with Connection: close (every request a new TLS connection); anything else keeps the socket. HTTP/1.1 and h2. */
async function serve() {
  const server = createSecureServer({ cert: readFileSync(TEST_CA), key: readFileSync(join(FIXTURES, 'localhost-key.pem')), allowHTTP1: true }, (request, response) => {
    const close = request.url === '/close';
    response.writeHead(200, { 'Content-Type': 'application/json', ...(close ? { Connection: 'close' } : {}) });
    response.end('{"ok":true}');
  });
  server.keepAliveTimeout = 30_000;
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  process.send(server.address().port);
  process.on('disconnect', () => process.exit(0));
}

const TICK_US = 1e6 / 100; // USER_HZ: 100 on Linux
function cpuUs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_US;
}
const childPids = () => readdirSync('/proc/self/task').flatMap((task) => readFileSync(`/proc/self/task/${task}/children`, 'utf8').trim().split(' ').filter(Boolean).map(Number));
const ownCpuUs = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

async function runArm({ core, executor: kind, verify, http2, url, requests, inFlight }) {
  const { FuturesSession, ProcessPoolExecutor, ThreadPoolExecutor } = await import(core === 'this' ? '@requests-futures/core' : pathToFileURL(core).href);
  const executor = kind === 'process' ? new ProcessPoolExecutor({ maxWorkers: 2 }) : new ThreadPoolExecutor({ maxWorkers: inFlight });
  // trustEnv off: the arm's verify is the only CA setting (this machine's REQUESTS_CA_BUNDLE lacks the test CA).
  const session = new FuturesSession({ executor, trustEnv: false });
  const send = async (path, count) => {
    for (let sent = 0; sent < count; sent += inFlight) {
      const batch = Array.from({ length: Math.min(inFlight, count - sent) }, () => session.get(url + path, { verify, http2 }).result());
      for (const response of await Promise.all(batch)) if (response.statusCode !== 200) throw new Error(`status ${response.statusCode}`);
    }
  };
  const snapshot = () => ({ coordinator: ownCpuUs(), children: childPids().map(cpuUs).reduce((a, b) => a + b, 0) });
  const perRequest = (from, to) => ({ coordinator: (to.coordinator - from.coordinator) / requests, children: (to.children - from.children) / requests });
  try {
    // Both children (or the in-process engine) load got and open their first connections before counting.
    // HTTP/2 has no Connection: close (one session per origin): its kept-alive figure only.
    if (!http2) await send('/close', 2 * inFlight);
    const start = snapshot();
    if (!http2) await send('/close', requests);
    const closed = snapshot();
    await send('/keep', 2 * inFlight);
    const kept = snapshot();
    await send('/keep', requests);
    process.send({ newConnection: perRequest(start, closed), keptAlive: perRequest(kept, snapshot()) });
  } finally {
    await session.close();
    await executor.shutdown();
  }
}

async function conduct() {
  const builds = positionals.length === 0 ? ['this'] : positionals.map((build) => (build === 'this' ? build : resolve(build)));
  const dir = mkdtempSync(join(tmpdir(), 'rf-tls-cost-'));
  const bundle = join(dir, 'bundle.pem');
  writeFileSync(bundle, Buffer.concat([readFileSync(SYSTEM_BUNDLE), Buffer.from('\n'), readFileSync(TEST_CA)]));
  const extraCa = join(dir, 'extra-ca.pem');
  writeFileSync(extraCa, Buffer.concat([readFileSync(process.env.NODE_EXTRA_CA_CERTS ?? SYSTEM_BUNDLE), Buffer.from('\n'), readFileSync(TEST_CA)]));
  const certificates = (readFileSync(bundle, 'utf8').match(/BEGIN CERTIFICATE/g) ?? []).length;

  const server = fork(SCRIPT, ['--serve'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [port] = await once(server, 'message');
  const url = `https://127.0.0.1:${port}`;
  const floorEnv = { ...process.env, NODE_EXTRA_CA_CERTS: extraCa };
  const modes = [['bundle', bundle, false, process.env], ['floor', true, false, floorEnv], ['bundle, http2', bundle, true, process.env], ['floor, http2', true, true, floorEnv]];
  const results = new Map();
  try {
    for (let rep = 0; rep < Number(args.reps); rep++) {
      for (const executor of ['thread', 'process']) {
        for (const [mode, verify, http2, env] of modes) {
          for (const core of builds) {
            const arm = { core, executor, verify, http2, url, requests: Number(args.requests), inFlight: Number(args['in-flight']) };
            const child = fork(SCRIPT, ['--arm', JSON.stringify(arm)], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
            const exited = once(child, 'exit');
            const [result] = await Promise.race([once(child, 'message'), exited.then(([code]) => Promise.reject(new Error(`arm ${JSON.stringify(arm)} exited with ${code} before reporting`)))]);
            await exited;
            const key = `${executor}|${mode}|${core}`;
            if (!results.has(key)) results.set(key, []);
            results.get(key).push(result);
          }
        }
      }
    }
  } finally {
    server.disconnect();
    rmSync(dir, { recursive: true, force: true });
  }

  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const ms = (us) => (us / 1000).toFixed(2);
  console.log(`CPU ms per request, medians of ${args.reps} fresh processes, ${args.requests} requests each, ${args['in-flight']} in flight; bundle = ${certificates} certificates (loadavg ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')})`);
  console.log('executor | verify | build | new connection: coordinator / children | kept-alive: coordinator / children');
  for (const [key, runs] of results) {
    const [executor, mode, core] = key.split('|');
    const figure = (kind, side) => (mode.includes('http2') && kind === 'newConnection' ? '–' : ms(median(runs.map((run) => run[kind][side]))));
    const label = executor === 'thread' ? 'ThreadPoolExecutor' : 'ProcessPoolExecutor(2)';
    console.log(`${label} | ${mode} | ${core} | ${figure('newConnection', 'coordinator')} / ${figure('newConnection', 'children')} | ${figure('keptAlive', 'coordinator')} / ${figure('keptAlive', 'children')}`);
  }
}

if (args.serve) await serve();
else if (args.arm) await runArm(JSON.parse(args.arm));
else await conduct();
