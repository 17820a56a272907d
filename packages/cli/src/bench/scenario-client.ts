/**
 * `rf bench --script`: the loop's unit is one iteration of the scenario, run
 * on a ScenarioSession (a FuturesSession on an in-process ThreadPoolExecutor
 * with one worker per connection; in a pool child, that child's own). An
 * iteration that returns counts as 'ok', one that throws under its error's
 * class; every request it made is counted under its name (named-requests.ts).
 */
import type { LoadClient } from './client.js';
import type { LoadSpec, ScenarioSpec } from './load-spec.js';
import { NamedRequestLog } from './named-requests.js';
import { loadScenario } from './scenario-module.js';
import { ScenarioSession } from './scenario-session.js';
import { errorClassName } from '../util/format.js';

export const ITERATION_OK = 'ok';

export async function openScenarioClient(spec: LoadSpec, scenario: ScenarioSpec): Promise<LoadClient> {
  const iterate = await loadScenario(scenario.moduleUrl);
  const log = new NamedRequestLog();
  const session = new ScenarioSession(log, {
    maxWorkers: spec.connections,
    adapterOptions: { poolMaxSize: spec.connections },
    timeout: spec.timeoutSeconds,
    headers: spec.headers,
  });
  const { iterationOffset, iterationStride, target } = scenario;
  return {
    send: async (ticket) => {
      await iterate(session, iterationOffset + ticket * iterationStride, target);
      return { statusCode: ITERATION_OK };
    },
    errorKind: errorClassName,
    startCounting: (durationMs) => log.start(durationMs),
    stopCounting: () => log.stop(),
    named: () => log.snapshot(),
    // abort: iterations cut off at the end must not hold the exit up until their timeout.
    close: () => session.close({ abort: true }),
  };
}
