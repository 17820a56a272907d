/**
 * The bodies the JSON server returns, built once and deterministically so
 * every arm downloads the same bytes.
 */

/** About 200 bytes: the typical small API answer. */
export function smallJsonBody(): Buffer {
  const body = {
    id: 4211,
    name: 'requests-futures',
    ok: true,
    tags: ['http', 'futures', 'bench'],
    owner: { login: 'bench', id: 7 },
    updatedAt: '2024-01-01T00:00:00.000Z',
    score: 0.875,
    description: 'a small JSON answer of about two hundred bytes',
  };
  return Buffer.from(JSON.stringify(body));
}

export interface BigJsonItem {
  id: number;
  group: string;
  value: number;
  weight: number;
  label: string;
  tags: string[];
}

/** About `approxBytes` of JSON: an array of records a hook can reduce. */
export function bigJsonBody(approxBytes = 50 * 1024): Buffer {
  const items: BigJsonItem[] = [];
  let size = 2;
  let seed = 12345;
  const next = () => {
    // xorshift32: deterministic and dependency-free.
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 0x1_0000_0000;
  };
  for (let id = 0; size < approxBytes; id++) {
    const item: BigJsonItem = {
      id,
      group: `g${Math.floor(next() * 16)}`,
      value: Math.round(next() * 1_000_000) / 100,
      weight: Math.round(next() * 1000) / 1000,
      label: `item-${id.toString(36)}-${Math.floor(next() * 1e6).toString(36)}`,
      tags: ['a', 'b', 'c', 'd'].filter(() => next() > 0.5),
    };
    items.push(item);
    size += JSON.stringify(item).length + 1;
  }
  return Buffer.from(JSON.stringify(items));
}
