/**
 * Codec benchmark: why response bodies bypass superjson.
 *
 *   node --import tsx benchmarks/scenarios/codec.ts [--time-ms 1000]
 *
 * Prints encode+decode round trips per second for superjson alone, our codec
 * (superjson + binary side channel), our codec plus the v8 transport tinypool uses
 * ('advanced' serialization), and bare v8.serialize/deserialize, on a 1 KiB
 * request-like object and on a response-like object with a 1 MiB body.
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import { decode, encode } from '@requests-futures/serializer';

// superjson is the serializer's dependency, not the benchmarks': resolve it from there.
const requireFromSerializer = createRequire(new URL('../../packages/serializer/package.json', import.meta.url));
const { SuperJSON } = (await import(pathToFileURL(requireFromSerializer.resolve('superjson')).href)) as typeof import('superjson');

interface Arm {
  readonly name: string;
  readonly roundTrip: () => unknown;
}

interface Measurement {
  readonly name: string;
  readonly opsPerSecond: number;
  readonly iterations: number;
}

const { values: options } = parseArgs({ options: { 'time-ms': { type: 'string', default: '1000' } } });
const timeBudgetMs = Number(options['time-ms']);
if (!Number.isFinite(timeBudgetMs) || timeBudgetMs <= 0) throw new RangeError(`--time-ms must be a positive number, got ${options['time-ms']}`);

const ROUNDS = 3;

/** Round trips per second of `arm` over `durationMs` (at least 3 round trips, so the slowest arm still gives a rate). */
function rate(arm: Arm, durationMs: number): { opsPerSecond: number; iterations: number } {
  let iterations = 0;
  const started = process.hrtime.bigint();
  let elapsedNs = 0n;
  while (iterations < 3 || elapsedNs < BigInt(Math.round(durationMs * 1e6))) {
    arm.roundTrip();
    iterations++;
    elapsedNs = process.hrtime.bigint() - started;
  }
  return { opsPerSecond: iterations / (Number(elapsedNs) / 1e9), iterations };
}

/**
 * Each arm is warmed up right before it is measured, and arms run one after the
 * other, not interleaved: with 1 MiB values, v8.serialize runs at a tenth of its
 * speed until about a second of steady churn has grown the heap to fit (measured
 * ~200 ops/s, then ~3k), and switching to another arm in between undoes that.
 * The reported rate is the median of ROUNDS back-to-back rounds.
 */
const WARM_UP_MS = 1500;

function measureAll(arms: Arm[]): Measurement[] {
  return arms.map((arm) => {
    rate(arm, WARM_UP_MS);
    const rounds = Array.from({ length: ROUNDS }, () => rate(arm, timeBudgetMs / ROUNDS)).sort((x, y) => x.opsPerSecond - y.opsPerSecond);
    const iterations = rounds.reduce((sum, r) => sum + r.iterations, 0);
    return { name: arm.name, opsPerSecond: rounds[Math.floor(ROUNDS / 2)]!.opsPerSecond, iterations };
  });
}

function requestLikeObject(): Record<string, unknown> {
  return {
    method: 'POST',
    url: 'http://127.0.0.1:8080/api/items?page=2',
    headers: { 'content-type': 'application/json', accept: '*/*', 'user-agent': 'requests-futures-ts/0.1', 'x-request-id': 'a1b2c3d4e5f6' },
    params: { page: 2, tags: ['alpha', 'beta', 'gamma'], since: new Date(1_700_000_000_000) },
    json: { id: 12_345n, name: 'widget', price: 9.99, stock: new Map([['warehouse-1', 40], ['warehouse-2', 2]]), labels: new Set(['new', 'sale']) },
    timeout: [3.05, 27],
    allowRedirects: true,
    auth: ['user', 'password'],
    meta: { attempt: 1, note: 'x'.repeat(400) },
  };
}

function responseLikeObject(body: Uint8Array): Record<string, unknown> {
  return {
    statusCode: 200,
    reason: 'OK',
    url: 'http://127.0.0.1:8080/download/blob',
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(body.byteLength) },
    content: body,
    encoding: null,
    elapsed: 12.5,
    history: [],
    request: { method: 'GET', url: 'http://127.0.0.1:8080/download/blob', headers: {} },
  };
}

function armsFor(value: unknown, valueForSuperjson: unknown): Arm[] {
  const superjson = new SuperJSON();
  return [
    { name: 'superjson alone', roundTrip: () => superjson.deserialize(superjson.serialize(valueForSuperjson as never)) },
    { name: 'our encode+decode', roundTrip: () => decode(encode(value)) },
    { name: 'our codec + v8 transport', roundTrip: () => decode(v8.deserialize(v8.serialize(encode(value)))) },
    { name: 'v8 serialize+deserialize', roundTrip: () => v8.deserialize(v8.serialize(value)) },
  ];
}

function printScenario(title: string, results: Measurement[]): void {
  const by = (name: string): number => results.find((r) => r.name === name)!.opsPerSecond;
  console.log(`\n${title}`);
  for (const r of results) console.log(`  ${r.name.padEnd(28)} ${r.opsPerSecond.toFixed(1).padStart(12)} ops/s  (median of ${ROUNDS} rounds, ${r.iterations} round trips)`);
  console.log(`  ratio our codec / superjson alone:   ${(by('our encode+decode') / by('superjson alone')).toFixed(1)}x`);
  console.log(`  ratio v8 / our codec:                ${(by('v8 serialize+deserialize') / by('our encode+decode')).toFixed(2)}x`);
  console.log(`  ratio v8 / our codec + v8 transport: ${(by('v8 serialize+deserialize') / by('our codec + v8 transport')).toFixed(2)}x`);
}

const small = requestLikeObject();
console.log(`codec benchmark, node ${process.version}, ${timeBudgetMs} ms per arm after a ${WARM_UP_MS} ms warm-up; 1 KiB object = ${v8.serialize(small).byteLength} bytes via v8`);
printScenario('1 KiB request-like object', measureAll(armsFor(small, small)));

const body = randomBytes(1024 * 1024);
// superjson cannot parse back a Buffer it serialized, so its arm gets the same bytes as a plain Uint8Array.
const bodyForSuperjson = new Uint8Array(body);
printScenario('response-like object with a 1 MiB body', measureAll(armsFor(responseLikeObject(body), responseLikeObject(bodyForSuperjson))));
