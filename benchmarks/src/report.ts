/**
 * The report: a table on stdout and three files in benchmarks/results/
 * (latest.json with every sample, latest.md, latest.svg).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResultsFile, ScenarioResult } from './report/results.js';
import { renderAcceptance, renderMachine, renderScenario } from './report/terminal.js';
import { renderMarkdown } from './report/markdown.js';
import { renderSvg } from './report/svg.js';

export { buildScenarioResult, deriveScenarioResult } from './report/results.js';
export type { ResultsFile, ScenarioResult, AcceptanceFigure } from './report/results.js';

export function printScenario(result: ScenarioResult): void {
  console.log(renderScenario(result));
}

export function printReport(results: ResultsFile): void {
  console.log(`\n════ Benchmark report ════\n${renderMachine(results.machine)}`);
  for (const scenario of results.scenarios) console.log(renderScenario(scenario));
  const acceptance = renderAcceptance(results.acceptance);
  if (acceptance) console.log(acceptance);
}

export async function writeResults(dir: string, results: ResultsFile): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files = {
    'latest.json': JSON.stringify(results, null, 2) + '\n',
    'latest.md': renderMarkdown(results),
    'latest.svg': renderSvg(results),
  };
  const written: string[] = [];
  for (const [name, content] of Object.entries(files)) {
    await writeFile(join(dir, name), content);
    written.push(join(dir, name));
  }
  return written;
}
