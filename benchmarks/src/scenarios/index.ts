/** Every scenario, in the order a full run takes them. */
import { smallGets } from './small-gets.js';
import { processPoolVsGot } from './process-pool-vs-got.js';
import { freshPool } from './fresh-pool.js';
import { cpuHook } from './cpu-hook.js';
import { bulk, bulk1g } from './bulk.js';
import { memory } from './memory.js';
import { stream1g } from './stream.js';
import { rfBenchVsAutocannon, rfBenchVsAutocannonNginx, rfBenchVsAutocannonNginx2 } from './rf-bench-vs-autocannon.js';
import { cliDownload4m, cliDownload256m, cliDownload4k, cliMemory } from './cli-download.js';
import { distributedBulk, distributedGets } from './distributed.js';
import type { ScenarioDefinition } from './context.js';

export const SCENARIOS: ScenarioDefinition[] = [smallGets, processPoolVsGot, freshPool, cpuHook, bulk, bulk1g, memory, stream1g, rfBenchVsAutocannon, rfBenchVsAutocannonNginx, rfBenchVsAutocannonNginx2, cliDownload4m, cliDownload256m, cliDownload4k, cliMemory, distributedGets, distributedBulk];
