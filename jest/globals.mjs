/**
 * What `import { describe, it, expect } from '@jest/globals'` gives a test under
 * jest-light-runner: the globals the runner installs, with jest's timeouts.
 * The runner records a test's timeout but never enforces it, so a test that
 * hangs would hang the whole run; here every test and hook fails after its
 * own timeout or the configured testTimeout.
 */
import config from '../jest.config.js';

const DEFAULT_TIMEOUT_MS = config.testTimeout;

function withTimeout(fn, timeoutMs = DEFAULT_TIMEOUT_MS, what = 'test') {
  if (typeof fn !== 'function') return fn;
  return function timed(...args) {
    let timer;
    const expired = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Exceeded timeout of ${timeoutMs} ms for a ${what}.`)), timeoutMs);
    });
    return Promise.race([Promise.resolve().then(() => fn.apply(this, args)), expired]).finally(() => clearTimeout(timer));
  };
}

function timedTest(base) {
  const test = (name, fn, timeoutMs) => base(name, withTimeout(fn, timeoutMs), timeoutMs);
  test.only = (name, fn, timeoutMs) => base.only(name, withTimeout(fn, timeoutMs), timeoutMs);
  test.skip = base.skip;
  test.todo = base.todo;
  test.each = (...table) => {
    const bound = base.each(...table);
    return (name, fn, timeoutMs) => bound(name, withTimeout(fn, timeoutMs), timeoutMs);
  };
  return test;
}

const timedHook = (base, what) => (fn, timeoutMs) => base(withTimeout(fn, timeoutMs, what), timeoutMs);

export const { expect, describe, jest } = globalThis;
export const it = timedTest(globalThis.it);
export const test = timedTest(globalThis.test);
export const beforeAll = timedHook(globalThis.beforeAll, 'beforeAll hook');
export const afterAll = timedHook(globalThis.afterAll, 'afterAll hook');
export const beforeEach = timedHook(globalThis.beforeEach, 'beforeEach hook');
export const afterEach = timedHook(globalThis.afterEach, 'afterEach hook');
