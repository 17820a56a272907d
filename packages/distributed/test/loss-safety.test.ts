/**
 * Which tasks a DistributedExecutor lets another worker run again after their
 * worker was lost (loss-safety.ts): the engine's request task with an
 * idempotent method, whether its spec crosses as a CrossingSpec or in its own
 * form (core http/spec-wire.ts, which a FuturesSession uses for a plain spec).
 */
import { describe, expect, it } from '@jest/globals';
import { fnRef } from '@requests-futures/core';
import { plainSpecForm } from '../../core/dist/http/spec-wire.js';
import { retrySafe } from '../dist/loss-safety.js';

const REQUEST_TASK = fnRef(new URL('../../core/dist/http/request-task.js', import.meta.url), 'runRequestTask');
const OTHER_TASK = fnRef(new URL('./fixtures/tasks.mjs', import.meta.url), 'echo');
const pool = { maxSize: 10, block: false };

/** A CrossingSpec as specForCrossing leaves it for a plain request, with `extra` fields. */
const crossing = (method: string, extra: Record<string, unknown> = {}) => ({ method, url: 'http://127.0.0.1:1/x', pool, ...extra });
/** The same spec in its own form, as a FuturesSession sends it. */
const inForm = (method: string, extra: Record<string, unknown> = {}) => {
  const form = plainSpecForm(crossing(method, extra) as never, []);
  if (form === undefined) throw new Error('expected a plain spec form');
  return form;
};

describe('retrySafe', () => {
  it.each([
    ['a CrossingSpec', crossing],
    ['a PlainSpecForm', inForm],
  ])('judges the request task by its spec when it is %s', (_kind, make) => {
    expect(retrySafe(REQUEST_TASK, [make('GET')])).toBe(true);
    expect(retrySafe(REQUEST_TASK, [make('delete')])).toBe(true);
    expect(retrySafe(REQUEST_TASK, [make('POST')])).toBe(false);
    expect(retrySafe(REQUEST_TASK, [make('GET', { saveTo: '/tmp/x' })])).toBe(false);
    expect(retrySafe(REQUEST_TASK, [make('GET', { saveTo: '/tmp/x', resume: true })])).toBe(true);
  });

  it('never runs any other task again, nor a request task without a spec', () => {
    expect(retrySafe(OTHER_TASK, [crossing('GET')])).toBe(false);
    expect(retrySafe(REQUEST_TASK, [])).toBe(false);
    expect(retrySafe(REQUEST_TASK, [null])).toBe(false);
  });
});
