/** The report as a fixed-width table on stdout. */
import type { MachineInfo } from './machine.js';
import { scenarioTable, ratioMeaning, type Table } from './rows.js';
import type { AcceptanceFigure, ScenarioResult } from './results.js';
import { formatRatio, plural } from './format.js';

function renderTable(table: Table): string {
  const widths = table.header.map((h, col) => Math.max(h.length, ...table.rows.map((r) => (r[col] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((cell, col) => (col < 2 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join('  ');
  return [line(table.header), widths.map((w) => '─'.repeat(w)).join('  '), ...table.rows.map(line)].join('\n');
}

export function renderScenario(result: ScenarioResult): string {
  const table = scenarioTable(result);
  const origin = result.derivedFrom ? `, same runs as ${result.derivedFrom}` : '';
  return [
    `\n■ ${result.id}: ${result.title}`,
    `  ${result.description} (${plural(result.repetitions, 'interleaved repetition')} after a warm-up${origin})`,
    `  ${ratioMeaning(result.primary)}`,
    renderTable(table)
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n'),
    ...table.notes.map((n) => `  · ${n}`),
  ].join('\n');
}

export function renderAcceptance(figures: AcceptanceFigure[]): string {
  if (figures.length === 0) return '';
  return [
    '\n■ Acceptance (process-pool issue): small-GET throughput as a ratio to got in-process, 16 in flight',
    ...figures.map((f) => `  ${f.arm} / got in-process = ${formatRatio(f.ratioToGot)}`),
  ].join('\n');
}

export function renderMachine(machine: MachineInfo): string {
  return `${machine.cpuModel}, ${machine.cores} cores, ${machine.totalMemoryGiB} GiB, ${machine.os}, Node ${machine.node}, ${machine.date}, load ${machine.loadAverageStart}${
    machine.loadAverageEnd !== undefined ? ` → ${machine.loadAverageEnd}` : ''
  }`;
}
