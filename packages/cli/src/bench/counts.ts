/** Tallies keyed by a status code or an error's class: the one way rf bench adds them up. */
export type Counts = Record<string, number>;

export function increment(counts: Counts, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

export function addCounts(into: Counts, from: Counts): void {
  for (const [key, count] of Object.entries(from)) into[key] = (into[key] ?? 0) + count;
}

export const sumCounts = (counts: Counts): number => Object.values(counts).reduce((a, b) => a + b, 0);
