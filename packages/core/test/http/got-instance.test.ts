import { describe, expect, it } from '@jest/globals';
import got from 'got';
import { requestsGot } from '../../dist/http/got-instance.js';

describe('requestsGot', () => {
  it("has requests' semantics as defaults, so requests pass only what varies", () => {
    const options = requestsGot(got).defaults.options;
    expect(options.retry.limit).toBe(0);
    expect([options.followRedirect, options.throwHttpErrors, options.decompress, options.allowGetBody]).toEqual([false, false, true, true]);
  });

  it('has an empty cacheOptions, which keeps got off a slow object spread on every request', () => {
    const instance = requestsGot(got);
    expect(Object.keys(instance.defaults.options.cacheOptions)).toEqual([]);
    // got's own defaults are untouched.
    expect(Object.keys(got.defaults.options.cacheOptions)).not.toEqual([]);
  });
});
