/**
 * The arms every other figure is divided by. Names, not positions, so a
 * scenario can list its arms in any order and a skipped baseline simply
 * leaves its ratio column empty.
 */
export const GOT_IN_PROCESS = 'got in-process';
export const PYTHON_THREADS = 'Python requests-futures (threads)';
export const PYTHON_PROCESSES = 'Python requests-futures (processes)';
/** A dedicated HTTP load generator: the yardstick of `rf bench` (scenarios/rf-bench-vs-autocannon.ts). */
export const AUTOCANNON = 'autocannon';
/** The native downloader: the yardstick of the bulk scenarios (issue #4's target is 0.9× its MB/s). */
export const CURL_PARALLEL = 'curl --parallel';
/** The pools DistributedExecutor is divided by (scenarios/distributed.ts): named apart from small-gets' pool arms so their tables keep their columns. */
export const POOL_OF_1 = 'ProcessPoolExecutor, 1 child';
export const POOL_OF_2 = 'ProcessPoolExecutor, 2 children';

export const BASELINES = [
  { key: 'vsGot', arm: GOT_IN_PROCESS, label: '× got in-process' },
  { key: 'vsPythonThreads', arm: PYTHON_THREADS, label: '× Python threads' },
  { key: 'vsAutocannon', arm: AUTOCANNON, label: '× autocannon' },
  { key: 'vsCurl', arm: CURL_PARALLEL, label: '× curl' },
  { key: 'vsPoolOf1', arm: POOL_OF_1, label: '× pool of 1' },
  { key: 'vsPoolOf2', arm: POOL_OF_2, label: '× pool of 2' },
] as const;

export type BaselineKey = (typeof BASELINES)[number]['key'];

export function processPoolArmName(workers: number): string {
  return `FuturesSession ProcessPool(${workers})`;
}

export function distributedArmName(workers: number): string {
  return `DistributedExecutor, ${workers} rf worker${workers > 1 ? 's' : ''}`;
}

export function threadPoolArmName(workers: number): string {
  return `FuturesSession ThreadPool(${workers})`;
}
