import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildScenarioResult, deriveScenarioResult, type ResultsFile } from '../src/report.js';
import { acceptanceFigures } from '../src/report/results.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { renderSvg } from '../src/report/svg.js';
import { renderScenario } from '../src/report/terminal.js';
import type { Scenario } from '../src/arm.js';
import type { ArmOutcome } from '../src/interleave.js';

const scenario: Scenario = { id: 'small-gets', title: 'small', description: 'd', primary: 'reqPerSec', repetitions: 2, arms: [] };
const outcomes: ArmOutcome[] = [
  { name: 'got in-process', status: 'ok', samples: [{ requests: 100, seconds: 1 }, { requests: 100, seconds: 2 }] },
  { name: 'FuturesSession ProcessPool(1)', status: 'ok', samples: [{ requests: 100, seconds: 2 }, { requests: 100, seconds: 2 }] },
  { name: 'Python requests-futures (threads)', status: 'ok', samples: [{ requests: 100, seconds: 4 }, { requests: 100, seconds: 4 }] },
  { name: 'wrk (server ceiling)', status: 'skipped', reason: 'wrk not installed', samples: [] },
];

test('ratios are paired per repetition against both baselines', () => {
  const result = buildScenarioResult(scenario, outcomes);
  const pool = result.arms[1]!;
  assert.deepEqual(pool.figures.reqPerSec, { median: 50, min: 50, max: 50, n: 2 });
  // rep 1: 50/100, rep 2: 50/50
  assert.deepEqual(pool.ratios.vsGot, { median: 0.75, min: 0.5, max: 1, n: 2 });
  assert.deepEqual(pool.ratios.vsPythonThreads, { median: 2, min: 2, max: 2, n: 2 });
  assert.deepEqual(acceptanceFigures(result, ['FuturesSession ProcessPool(1)']), [{ arm: 'FuturesSession ProcessPool(1)', ratioToGot: pool.ratios.vsGot }]);
  const derived = deriveScenarioResult(result, { id: 'pp', title: 't', description: 'd', primary: 'reqPerSec' }, ['got in-process', 'FuturesSession ProcessPool(1)']);
  assert.equal(derived.arms.length, 2);
  assert.equal(derived.derivedFrom, 'small-gets');
  assert.equal(derived.arms[1]!.ratios.vsPythonThreads, undefined, 'a baseline left out of the subset gives no ratio');
});

test('table, markdown and SVG show the figures and the skip reason', () => {
  const result = buildScenarioResult(scenario, outcomes);
  const file: ResultsFile = {
    machine: { cpuModel: 'cpu', cores: 2, totalMemoryGiB: 1, os: 'linux', node: 'v20', date: '2024-01-01', loadAverageStart: 1 },
    options: { quick: true, only: [] },
    scenarios: [result],
    acceptance: acceptanceFigures(result, ['FuturesSession ProcessPool(1)']),
    skippedScenarios: [],
    totalSeconds: 1,
  };
  const text = renderScenario(result);
  assert.match(text, /FuturesSession ProcessPool\(1\)\s+50\.0 \[50\.0–50\.0\]\s+0\.75 \[0\.50–1\.00\]/);
  assert.match(text, /wrk \(server ceiling\): skipped: wrk not installed/);
  const md = renderMarkdown(file);
  assert.match(md, /\| FuturesSession ProcessPool\(1\) \|  \| 50\.0 \[50\.0–50\.0\] \| 0\.75 \[0\.50–1\.00\] \| 2\.00 \[2\.00–2\.00\] \|/);
  assert.match(md, /ProcessPool\(1\) \/ got in-process = \*\*0\.75/);
  const svg = renderSvg(file);
  assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.equal((svg.match(/<rect /g) ?? []).length, 1 + 3, 'a background plus one bar per arm with a ratio');
  assert.match(svg, /0\.75×/);
  assert.ok(svg.trimEnd().endsWith('</svg>'));
});

test('a scenario whose arms measure CPU gets a coordinator CPU µs/task column', () => {
  const cpuScenario: Scenario = { ...scenario, id: 'distributed-gets' };
  const result = buildScenarioResult(cpuScenario, [
    { name: 'ProcessPoolExecutor, 1 child', status: 'ok', samples: [{ requests: 100, seconds: 1, cpuUs: 20_000 }, { requests: 100, seconds: 1, cpuUs: 30_000 }] },
    { name: 'DistributedExecutor, 1 rf worker', status: 'ok', samples: [{ requests: 100, seconds: 2, cpuUs: 40_000, workersCpuUs: 80_000, redisCpuUs: 25_000 }, { requests: 100, seconds: 2, cpuUs: 40_000, workersCpuUs: 80_000, redisCpuUs: 25_000 }] },
  ]);
  assert.deepEqual(result.arms[0]!.figures.cpuUsPerTask, { median: 250, min: 200, max: 300, n: 2 });
  assert.deepEqual(result.arms[1]!.ratios.vsPoolOf1, { median: 0.5, min: 0.5, max: 0.5, n: 2 });
  const text = renderScenario(result);
  assert.match(text, /coordinator CPU µs\/task/);
  assert.match(text, /DistributedExecutor, 1 rf worker\s+50\.0 \[50\.0–50\.0\]\s+0\.50 \[0\.50–0\.50\]\s+400 \[400–400\]\s+800 \[800–800\]\s+250 \[250–250\]/);
  assert.match(text, /children\/workers CPU µs\/task\s+redis CPU µs\/task/);
  assert.doesNotMatch(renderScenario(buildScenarioResult(scenario, outcomes)), /coordinator CPU/, 'arms without CPU figures: no column');
});
