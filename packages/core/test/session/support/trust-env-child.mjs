/**
 * Runs in a child process whose environment the test chose (HTTP_PROXY,
 * NETRC, REQUESTS_CA_BUNDLE...): one GET per executor and trustEnv setting,
 * printed as one JSON line each, then the pool children's pids. The process
 * pool's own children get an environment with every trustEnv variable unset,
 * so what they send can only come from the coordinator's view.
 */
import { FuturesSession, ProcessPoolExecutor, ThreadPoolExecutor } from '../../../dist/index.js';

const url = process.argv[2];
const CHILD_ENV = { HTTP_PROXY: undefined, http_proxy: undefined, NO_PROXY: undefined, NETRC: '/nonexistent', REQUESTS_CA_BUNDLE: undefined, CURL_CA_BUNDLE: undefined };
const pool = new ProcessPoolExecutor({ maxWorkers: 1, env: CHILD_ENV });
const executors = { thread: new ThreadPoolExecutor(2), process: pool };
const results = [];
for (const [kind, executor] of Object.entries(executors)) {
  for (const trustEnv of [true, false]) {
    const session = new FuturesSession({ executor, trustEnv });
    try {
      const response = await session.get(url);
      results.push({ kind, trustEnv, status: response.statusCode, body: response.json() });
    } catch (error) {
      results.push({ kind, trustEnv, error: error.name });
    }
    await session.close();
  }
}
const poolPids = pool.stats().workers;
for (const executor of Object.values(executors)) await executor.shutdown();
process.stdout.write(JSON.stringify({ results, poolPids }) + '\n');
