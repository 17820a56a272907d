/**
 * `pnpm bench`: starts the servers, runs the scenarios with their arms
 * interleaved, prints the table, writes benchmarks/results/latest.*, and
 * always stops what it started (try/finally here, signal and crash handlers
 * in proc/cleanup.ts).
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { USAGE, UsageError, parseBenchArgs, type BenchOptions } from './args.js';
import type { Arm, ArmResult, Scenario } from './arm.js';
import { runInterleaved } from './interleave.js';
import { metricOf, METRIC_LABEL } from './metrics.js';
import { cleanupAll, installCleanupHandlers } from './proc/cleanup.js';
import { buildScenarioResult, deriveScenarioResult, printReport, writeResults, type ResultsFile, type ScenarioResult } from './report.js';
import { acceptanceFigures } from './report/results.js';
import { finishMachineInfo, machineInfo } from './report/machine.js';
import { formatNumber } from './report/format.js';
import { SCENARIOS } from './scenarios/index.js';
import { ACCEPTANCE_ARMS, PROCESS_POOL_VS_GOT_ID, processPoolVsGotHeading } from './scenarios/process-pool-vs-got.js';
import { smallGetCount } from './scenarios/small-gets.js';
import { LazyServers } from './servers/lazy-servers.js';

const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));
const WORK_DIR = join(BENCH_DIR, '.work');

function progress(scenario: Scenario) {
  const label = (arm: Arm) => `${arm.name}${arm.detail ? ` (${arm.detail})` : ''}`;
  return {
    onRun(arm: Arm, repetition: number | 'warm-up') {
      if (repetition === 'warm-up') process.stderr.write(`  [${scenario.id}] warm-up  ${label(arm)}\n`);
    },
    onResult(arm: Arm, repetition: number, outcome: { result?: ArmResult; error?: string }) {
      const rep = repetition < 0 ? 'warm-up' : `rep ${repetition + 1}/${scenario.repetitions}`;
      if (outcome.error) {
        process.stderr.write(`  [${scenario.id}] ${rep}  ${arm.name}: FAILED ${outcome.error}\n`);
        return;
      }
      const value = metricOf(outcome.result!, scenario.primary);
      const figure = value === undefined ? '–' : `${formatNumber(value)} ${METRIC_LABEL[scenario.primary]}`;
      process.stderr.write(`  [${scenario.id}] ${rep}  ${arm.name}: ${figure} in ${outcome.result!.seconds.toFixed(2)} s\n`);
    },
    async between() {
      // One arm's garbage should not be collected on the next arm's clock.
      (globalThis as { gc?: () => void }).gc?.();
    },
  };
}

function selectScenarios(options: BenchOptions) {
  return SCENARIOS.filter((s) => (options.only.length > 0 ? options.only.includes(s.id) : !s.onDemand && !(options.quick && s.fullOnly)));
}

async function main(argv: string[]): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseBenchArgs(argv, SCENARIOS.map((s) => s.id));
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`bench: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  if (options.list) {
    for (const s of SCENARIOS) console.log(`${s.id}${s.onDemand ? ' (only with --only)' : s.fullOnly ? ' (full runs only)' : ''}`);
    return 0;
  }

  installCleanupHandlers();
  await mkdir(WORK_DIR, { recursive: true });
  const started = performance.now();
  const machine = machineInfo();
  const repetitions = options.repetitions ?? (options.quick ? 3 : 5);
  const selected = selectScenarios(options);
  const selectedIds = selected.map((s) => s.id);
  // The acceptance arms are a subset of small-gets: when both run, measure once.
  const deriveAcceptance = selectedIds.includes('small-gets') && selectedIds.includes(PROCESS_POOL_VS_GOT_ID);
  const servers = new LazyServers(WORK_DIR);
  const context = {
    quick: options.quick,
    repetitions,
    workDir: WORK_DIR,
    jsonServer: () => servers.jsonServer(),
    filesOverNginx: servers.filesOverNginx.bind(servers),
  };

  const results: ScenarioResult[] = [];
  const skippedScenarios: ResultsFile['skippedScenarios'] = [];
  console.error(`bench: ${options.quick ? 'quick' : 'full'} run of ${selectedIds.join(', ')}; ${repetitions} repetitions each (memory: fewer, see README)`);
  try {
    for (const definition of selected) {
      if (definition.id === PROCESS_POOL_VS_GOT_ID && deriveAcceptance) continue;
      const built = await definition.build(context);
      if ('skip' in built) {
        console.error(`  [${definition.id}] skipped: ${built.skip}`);
        skippedScenarios.push({ id: definition.id, reason: built.skip });
        continue;
      }
      const scenarioStarted = performance.now();
      try {
        const outcomes = await runInterleaved(built, progress(built));
        results.push(buildScenarioResult(built, outcomes));
      } finally {
        await built.dispose?.();
      }
      console.error(`  [${definition.id}] done in ${((performance.now() - scenarioStarted) / 1000).toFixed(1)} s`);
    }
  } finally {
    await servers.stopAll();
    await cleanupAll();
  }

  const smallGets = results.find((r) => r.id === 'small-gets');
  if (deriveAcceptance && smallGets) {
    const derived = deriveScenarioResult(smallGets, processPoolVsGotHeading(smallGetCount(options)), ['got in-process', ...ACCEPTANCE_ARMS]);
    results.splice(results.indexOf(smallGets) + 1, 0, derived);
  }
  const acceptance = acceptanceFigures(
    results.find((r) => r.id === PROCESS_POOL_VS_GOT_ID),
    ACCEPTANCE_ARMS,
  );
  const report: ResultsFile = {
    machine: finishMachineInfo(machine),
    options: { quick: options.quick, only: options.only },
    scenarios: results,
    acceptance,
    skippedScenarios,
    totalSeconds: Math.round((performance.now() - started) / 100) / 10,
  };
  printReport(report);
  const written = await writeResults(options.outDir ?? join(BENCH_DIR, 'results'), report);
  console.log(`\nwrote ${written.join(', ')} (total ${report.totalSeconds} s)`);
  const failed = results.flatMap((r) => r.arms.filter((a) => a.status === 'failed').map((a) => `${r.id}/${a.name}`));
  if (failed.length > 0) console.error(`bench: ${failed.length} arm(s) failed: ${failed.join(', ')}`);
  return failed.length > 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
