/**
 * One script's life, as a user's script that fires N requests lives it: import,
 * create the engine, one request, then N with 16 in flight, close, exit.
 *   node fresh-run.mjs got|bare[::CHILD FLAGS]|<core dist index.js>[::CHILD FLAGS] URL [N] [workers] [process|thread]
 * `bare`: the floor, got in bare children (bare-pool.mjs). A core arm runs a
 * ProcessPoolExecutor of `workers` children, or with `thread` the session's own
 * ThreadPoolExecutor of `workers` (requests-futures' FuturesSession(max_workers=N)).
 * Prints one line on stdout, `phases <first> <all>`: ms since the process started
 * (performance.now()) when the first response arrived and when the N had.
 */
import { pathToFileURL } from 'node:url';
import { drive } from './drive.mjs';
import { splitArm } from './arm-flags.mjs';
import { openBarePool } from './bare-pool.mjs';

const [arm, url, n = '3000', workers = '2', kind = 'process'] = process.argv.slice(2);
if (kind !== 'process' && kind !== 'thread') throw new TypeError(`fresh-run: the executor kind must be process or thread, got ${kind}`);
const total = Number(n);
const inFlight = 16;
const phases = [];
process.on('exit', () => process.stdout.write(`phases ${phases.map((ms) => ms.toFixed(1)).join(' ')}\n`));

/** The script's life after set-up: one GET, then the N, each phase's end marked. */
async function batch(send) {
  await drive(send, 1, inFlight);
  phases.push(performance.now());
  await drive(send, total, inFlight);
  phases.push(performance.now());
}

if (arm === 'got') {
  const { default: got } = await import('got');
  const { Agent } = await import('node:http');
  const agent = new Agent({ keepAlive: true, maxSockets: inFlight });
  const client = got.extend({ agent: { http: agent }, retry: { limit: 0 } });
  const send = async () => (await client(url)).statusCode;
  await batch(send);
  agent.destroy();
} else if (splitArm(arm)[0] === 'bare') {
  const pool = await openBarePool({ workers: Number(workers), execArgv: splitArm(arm)[1] });
  const send = async () => (await pool.get(url)).statusCode;
  await batch(send);
  await pool.close();
} else if (kind === 'thread') {
  const { FuturesSession } = await import(pathToFileURL(splitArm(arm)[0]).href);
  const session = new FuturesSession({ maxWorkers: Number(workers), adapterOptions: { poolMaxSize: inFlight } });
  const send = async () => (await session.get(url)).statusCode;
  await batch(send);
  await session.close();
} else {
  const [core, armFlags] = splitArm(arm);
  const { FuturesSession, ProcessPoolExecutor } = await import(pathToFileURL(core).href);
  // RF_CHILD_FLAGS (every pool arm) or the arm's own `::` flags: V8/Node flags for the children, to try what shortens their warm-up.
  const flags = [...(process.env.RF_CHILD_FLAGS ? process.env.RF_CHILD_FLAGS.split(' ') : []), ...armFlags];
  const execArgv = flags.length > 0 ? { execArgv: flags } : {};
  const executor = new ProcessPoolExecutor({ maxWorkers: Number(workers), concurrencyPerWorker: Math.max(1, Math.round(inFlight / Number(workers))), ...execArgv });
  const session = new FuturesSession({ executor, adapterOptions: { poolMaxSize: inFlight } });
  const send = async () => (await session.get(url)).statusCode;
  await batch(send);
  await session.close();
  await executor.shutdown({ wait: true });
}
