/**
 * Which functions V8 optimises, and deoptimises, in a fresh pool child (#14's
 * fresh-pool target): a fresh ProcessPool(2) (or the bare pool) serves N small
 * GETs with `--trace-opt --trace-deopt` on its children; their trace goes to
 * stdout, for counting (optimisations per function, deopts and their reasons).
 *
 *   node benchmarks/cpu/child-opt-trace.mjs [--total 3000] [core dist index.js | bare] > trace.txt
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { drive } from './drive.mjs';
import { openBarePool } from './bare-pool.mjs';

const { values: args, positionals } = parseArgs({ allowPositionals: true, options: { total: { type: 'string', default: '3000' } } });
const arm = positionals[0] ?? fileURLToPath(new URL('../../packages/core/dist/index.js', import.meta.url));
const flags = ['--trace-opt', '--trace-deopt'];

const server = fork(fileURLToPath(new URL('./small-json-server.mjs', import.meta.url)), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const [port] = await once(server, 'message');
const url = `http://127.0.0.1:${port}/small`;
try {
  if (arm === 'bare') {
    const pool = await openBarePool({ workers: 2, execArgv: flags });
    await drive(async () => (await pool.get(url)).statusCode, Number(args.total), 16);
    await pool.close();
  } else {
    const { FuturesSession, ProcessPoolExecutor } = await import(pathToFileURL(resolve(arm)).href);
    const executor = new ProcessPoolExecutor({ maxWorkers: 2, concurrencyPerWorker: 8, execArgv: flags });
    const session = new FuturesSession({ executor, adapterOptions: { poolMaxSize: 16 } });
    await drive(async () => (await session.get(url)).statusCode, Number(args.total), 16);
    await session.close();
    await executor.shutdown({ wait: true });
  }
} finally {
  server.kill();
}
