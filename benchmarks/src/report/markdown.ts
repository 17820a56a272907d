/** The report as markdown (benchmarks/results/latest.md). */
import { scenarioTable, ratioMeaning } from './rows.js';
import type { ResultsFile } from './results.js';
import { renderMachine } from './terminal.js';
import { formatRatio, plural } from './format.js';

const escape = (cell: string) => cell.replaceAll('|', '\\|');

export function renderMarkdown(results: ResultsFile): string {
  const out: string[] = [
    '# Benchmark results',
    '',
    `Machine: ${renderMachine(results.machine)}.`,
    `Mode: ${results.options.quick ? 'quick' : 'full'}${results.options.only.length ? `, only ${results.options.only.join(', ')}` : ''}.`,
    '',
    'Every figure is the median over interleaved repetitions, with [min–max]. Ratios are paired per repetition',
    '(repetition i of an arm divided by repetition i of the baseline, which ran right next to it).',
    '',
  ];
  if (results.acceptance.length > 0) {
    out.push('## Acceptance: process pool vs got in-process (small GETs, 16 in flight)', '');
    for (const f of results.acceptance) out.push(`- ${f.arm} / got in-process = **${formatRatio(f.ratioToGot)}**`);
    out.push('');
  }
  for (const scenario of results.scenarios) {
    const table = scenarioTable(scenario);
    out.push(`## ${scenario.id}: ${scenario.title}`, '');
    out.push(
      `${scenario.description}. ${plural(scenario.repetitions, 'repetition')}${scenario.derivedFrom ? ` (same runs as ${scenario.derivedFrom})` : ''}; ${ratioMeaning(scenario.primary)}.`,
      '',
    );
    out.push(`| ${table.header.map(escape).join(' | ')} |`);
    out.push(`| ${table.header.map((_, i) => (i < 2 ? '---' : '---:')).join(' | ')} |`);
    for (const row of table.rows) out.push(`| ${row.map(escape).join(' | ')} |`);
    out.push('');
    for (const note of table.notes) out.push(`- ${escape(note)}`);
    if (table.notes.length) out.push('');
  }
  out.push('Chart: [latest.svg](latest.svg). Raw samples: [latest.json](latest.json).', '');
  return out.join('\n');
}
