/**
 * Self and total time per function of a .cpuprofile, top N, for reading a
 * profile without DevTools: node benchmarks/cpu/top-functions.mjs FILE [N] [--by-file]
 */
import { readFileSync } from 'node:fs';

const [file, n = '40'] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const byFile = process.argv.includes('--by-file');
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const hits = new Map();
for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
const totalSamples = profile.samples.length;
const label = (node) => {
  const { functionName, url, lineNumber } = node.callFrame;
  const short = url.replace(/^.*\/(node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?)/, '').replace(/^.*\/packages\//, '');
  return byFile ? short || '(native)' : `${functionName || '(anonymous)'} ${short}:${lineNumber + 1}`;
};
const self = new Map();
const total = new Map();
for (const [id, count] of hits) {
  const node = nodes.get(id);
  self.set(label(node), (self.get(label(node)) ?? 0) + count);
  const seen = new Set();
  for (let at = id; at !== undefined; at = parent.get(at)) {
    const key = label(nodes.get(at));
    if (seen.has(key)) continue;
    seen.add(key);
    total.set(key, (total.get(key) ?? 0) + count);
  }
}
const pct = (count) => ((100 * count) / totalSamples).toFixed(1).padStart(5);
console.log(`${totalSamples} samples; self% total% function`);
for (const [key, count] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(n))) console.log(`${pct(count)} ${pct(total.get(key))} ${key}`);
if (process.argv.includes('--total')) {
  console.log('--- by total');
  for (const [key, count] of [...total].sort((a, b) => b[1] - a[1]).slice(0, Number(n))) console.log(`${pct(self.get(key) ?? 0)} ${pct(count)} ${key}`);
}
