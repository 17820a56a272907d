/**
 * A hand-written SVG bar chart of the ratios (benchmarks/results/latest.svg).
 * Log scale centred on 1×, bars grow from the baseline line: a 2× win and a
 * 2× loss look the same size, which a linear axis would hide. Whiskers show
 * the min–max of the paired ratios.
 */
import { BASELINES } from '../baselines.js';
import { HIGHER_IS_BETTER, METRIC_LABEL } from '../metrics.js';
import type { ResultsFile, ScenarioResult } from './results.js';
import { renderMachine } from './terminal.js';

const WIDTH = 960;
const LABEL_WIDTH = 330;
const VALUE_WIDTH = 70;
const PLOT_LEFT = LABEL_WIDTH;
const PLOT_WIDTH = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 20;
const BAR_HEIGHT = 16;
const ROW_HEIGHT = 22;
const SECTION_GAP = 46;

const REFERENCE_ARMS = ['wrk', 'floor:'];

const esc = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

interface ChartRow {
  label: string;
  median: number;
  min: number;
  max: number;
  isBaseline: boolean;
}

interface ChartSection {
  title: string;
  subtitle: string;
  higherIsBetter: boolean;
  rows: ChartRow[];
}

function sectionFor(scenario: ScenarioResult): ChartSection | undefined {
  // Prefer got as the yardstick; Python threads where got did not run.
  for (const baseline of BASELINES) {
    const rows: ChartRow[] = [];
    for (const arm of scenario.arms) {
      const ratio = arm.ratios[baseline.key];
      if (!ratio) continue;
      // The baseline and the reference rows (a server ceiling, an idle floor) are drawn grey: not competitors.
      const reference = arm.name === baseline.arm || REFERENCE_ARMS.some((prefix) => arm.name.startsWith(prefix));
      rows.push({ label: arm.name, median: ratio.median, min: ratio.min, max: ratio.max, isBaseline: reference });
    }
    if (rows.length > 1) {
      return {
        title: `${scenario.id}: ${scenario.title}`,
        subtitle: `${METRIC_LABEL[scenario.primary]} ${baseline.label} (${HIGHER_IS_BETTER[scenario.primary] ? 'right is better' : 'left is better'})`,
        higherIsBetter: HIGHER_IS_BETTER[scenario.primary],
        rows,
      };
    }
  }
  return undefined;
}

export function renderSvg(results: ResultsFile): string {
  const sections = results.scenarios.map(sectionFor).filter((s): s is ChartSection => s !== undefined);
  const all = sections.flatMap((s) => s.rows.flatMap((r) => [r.min, r.max, r.median])).filter((v) => v > 0);
  // Whole powers of two, at least 1/4× … 4×, so ticks are round numbers.
  const lo = Math.min(-2, Math.floor(Math.log2(Math.min(...all, 1))));
  const hi = Math.max(2, Math.ceil(Math.log2(Math.max(...all, 1))));
  const x = (ratio: number) => PLOT_LEFT + ((Math.log2(Math.max(ratio, 2 ** lo)) - lo) / (hi - lo)) * PLOT_WIDTH;

  const parts: string[] = [];
  let y = 56;
  for (const section of sections) {
    parts.push(`<text x="12" y="${y}" class="title">${esc(section.title)}</text>`);
    parts.push(`<text x="12" y="${y + 16}" class="sub">${esc(section.subtitle)}</text>`);
    y += 30;
    const top = y;
    // Grid first, so the bars are drawn over it.
    const gridAt = parts.length;
    for (const row of section.rows) {
      const better = section.higherIsBetter ? row.median >= 1 : row.median <= 1;
      const cls = row.isBaseline ? 'base' : better ? 'good' : 'bad';
      const x0 = Math.min(x(1), x(row.median));
      const w = Math.max(1, Math.abs(x(row.median) - x(1)));
      const cy = y + BAR_HEIGHT / 2;
      parts.push(`<text x="${LABEL_WIDTH - 8}" y="${cy + 4}" class="label" text-anchor="end">${esc(row.label)}</text>`);
      parts.push(`<rect x="${x0.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${BAR_HEIGHT}" class="${cls}"/>`);
      if (row.max > row.min) {
        parts.push(`<line x1="${x(row.min).toFixed(1)}" x2="${x(row.max).toFixed(1)}" y1="${cy}" y2="${cy}" class="whisker"/>`);
      }
      parts.push(`<text x="${WIDTH - VALUE_WIDTH}" y="${cy + 4}" class="value">${row.median.toFixed(2)}×</text>`);
      y += ROW_HEIGHT;
    }
    const grid: string[] = [];
    for (let p = lo; p <= hi; p++) {
      const tx = x(2 ** p).toFixed(1);
      if (p !== 0) grid.push(`<line x1="${tx}" x2="${tx}" y1="${top - 4}" y2="${y}" class="grid"/>`);
      const label = p >= 0 ? `${2 ** p}×` : `1/${2 ** -p}×`;
      grid.push(`<text x="${tx}" y="${y + 12}" class="tick" text-anchor="middle">${label}</text>`);
    }
    parts.splice(gridAt, 0, ...grid);
    // The 1× line stays on top: it is what every bar is read against.
    parts.push(`<line x1="${x(1).toFixed(1)}" x2="${x(1).toFixed(1)}" y1="${top - 4}" y2="${y}" class="one"/>`);
    y += SECTION_GAP;
  }
  const height = y;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, sans-serif">`,
    '<style>',
    '.title{font-size:14px;font-weight:600;fill:#222}.sub{font-size:11px;fill:#666}.label{font-size:12px;fill:#222}',
    '.value{font-size:12px;fill:#222}.tick{font-size:10px;fill:#666}.good{fill:#3a8f5c}.bad{fill:#d9822b}.base{fill:#8a8f98}',
    '.whisker{stroke:#222;stroke-width:1.5}.grid{stroke:#ddd;stroke-width:1}.one{stroke:#222;stroke-width:1.2;stroke-dasharray:4 3}',
    '</style>',
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    `<text x="12" y="22" class="title">requests-futures for TypeScript: side-by-side ratios (${results.options.quick ? 'quick' : 'full'} run)</text>`,
    `<text x="12" y="38" class="sub">${esc(renderMachine(results.machine))}</text>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
