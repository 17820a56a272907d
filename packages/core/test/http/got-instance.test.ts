import { describe, expect, it } from '@jest/globals';
import got from 'got';
import { AgentPool } from '../../dist/http/agents.js';
import { ReadTimeout } from '../../dist/http/errors.js';
import { gotFor, requestsGot } from '../../dist/http/got-instance.js';
import { send, useTestEngine } from './engine.js';

useTestEngine();

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

describe('gotFor: one got instance per configuration', () => {
  const pool = { maxSize: 4, block: false };

  it('reuses the instance of the same agents, timeouts and verify, and carries them as its defaults', () => {
    const base = requestsGot(got);
    const local = new AgentPool();
    try {
      const set = local.agentsFor(pool, true, null, null);
      // agentsFor hands out one object per configuration, which the cache is keyed on.
      expect(local.agentsFor(pool, true, null, null)).toBe(set);
      const instance = gotFor(base, { agents: set, timeout: { socket: 500 }, verify: true });
      expect(gotFor(base, { agents: set, timeout: { socket: 500 }, verify: true })).toBe(instance);
      const options = instance.defaults.options;
      expect(options.agent.http).toBe(set.http);
      expect(options.agent.https).toBe(set.https);
      expect(options.timeout.socket).toBe(500);
      expect(options.https.rejectUnauthorized).toBe(true);
      // requests' semantics and the emptied cacheOptions carry over from the base instance.
      expect([options.followRedirect, options.throwHttpErrors, options.retry.limit]).toEqual([false, false, 0]);
      expect(Object.keys(options.cacheOptions)).toEqual([]);

      const otherTimeout = gotFor(base, { agents: set, timeout: {}, verify: true });
      const unverified = gotFor(base, { agents: local.agentsFor(pool, false, null, null), timeout: { socket: 500 }, verify: false });
      expect(otherTimeout).not.toBe(instance);
      expect(otherTimeout.defaults.options.timeout.socket).toBeUndefined();
      expect(unverified).not.toBe(instance);
      expect(unverified.defaults.options.https.rejectUnauthorized).toBe(false);
    } finally {
      local.destroy();
    }
  });

  it("applies each request's own timeout, whatever configuration ran before it on the same agents", async () => {
    await expect(send('/delay/1', { timeout: 0.1 })).rejects.toThrow(ReadTimeout);
    expect((await send('/delay/0.3', { timeout: null })).statusCode).toBe(200);
    await expect(send('/delay/1', { timeout: [null, 0.1] })).rejects.toThrow(ReadTimeout);
    expect((await send('/delay/0.3', { timeout: 5 })).statusCode).toBe(200);
  });
});
