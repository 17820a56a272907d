import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWrkOutput, WrkOutputError } from '../src/arms/wrk-arm.js';
import { parseResultLine, ResultLineError } from '../src/arms/result-line.js';
import { parseBenchArgs, UsageError } from '../src/args.js';
import { curlConfig } from '../src/arms/curl-arm.js';

const WRK = `Running 3s test @ http://127.0.0.1:42227/json
  1 threads and 16 connections
  104931 requests in 3.00s, 38.83MB read
Requests/sec:  34965.07
`;

test('wrk output: requests, seconds, errors', () => {
  assert.deepEqual(parseWrkOutput(WRK), { requests: 104931, seconds: 3, errors: 0 });
  const withErrors = `${WRK}  Socket errors: connect 0, read 2, write 0, timeout 1\n  Non-2xx or 3xx responses: 4\n`;
  assert.equal(parseWrkOutput(withErrors).errors, 7);
  assert.throws(() => parseWrkOutput('unable to connect'), WrkOutputError);
});

test('result line: last JSON line wins, garbage is refused naming the program', () => {
  assert.deepEqual(parseResultLine('drive.py', 'noise\n{"requests": 5, "seconds": 0.5, "bytes": 10}\n'), {
    requests: 5,
    seconds: 0.5,
    bytes: 10,
  });
  assert.throws(() => parseResultLine('drive.py', 'Traceback...'), (e: Error) => e instanceof ResultLineError && e.message.includes('drive.py'));
  assert.throws(() => parseResultLine('x', '{"requests": 1}'), ResultLineError);
});

test('bench args: both pnpm forwarding forms, lists, validation', () => {
  const known = ['small-gets', 'bulk', 'memory'];
  assert.deepEqual(parseBenchArgs(['--', '--quick'], known).quick, true);
  assert.deepEqual(parseBenchArgs(['--only', 'bulk,memory', '--only', 'small-gets'], known).only, ['bulk', 'memory', 'small-gets']);
  assert.equal(parseBenchArgs(['--reps', '2'], known).repetitions, 2);
  assert.throws(() => parseBenchArgs(['--only', 'nope'], known), /unknown scenario 'nope'/);
  assert.throws(() => parseBenchArgs(['--reps', '0'], known), UsageError);
  assert.throws(() => parseBenchArgs(['--fast'], known), UsageError);
});

test('curl config pairs each URL with its own output file', () => {
  const config = curlConfig(['http://127.0.0.1:1/a', 'http://127.0.0.1:1/b'], '/tmp/out');
  assert.equal(config, 'url = "http://127.0.0.1:1/a"\noutput = "/tmp/out/0000.bin"\nurl = "http://127.0.0.1:1/b"\noutput = "/tmp/out/0001.bin"\n');
});
