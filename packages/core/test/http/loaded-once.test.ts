/**
 * LoadedOnce (http/loaded-once.ts), what got-loader.ts and the in-process
 * engine (session/request-engine.ts) load on first use: one load however many
 * callers, the value then at hand synchronously, a failed load tried again.
 */
import { describe, expect, it } from '@jest/globals';
import { LoadedOnce } from '../../dist/http/loaded-once.js';

describe('LoadedOnce', () => {
  it('loads once for every caller, and has the value at hand once loaded', async () => {
    let loads = 0;
    const once = new LoadedOnce(async () => ({ n: ++loads }));
    expect(once.value).toBeUndefined();
    const [a, b] = await Promise.all([once.get(), once.get()]);
    expect(a).toBe(b);
    expect(once.value).toBe(a);
    expect(await once.get()).toBe(a);
    expect(loads).toBe(1);
  });

  it('does not keep a failed load: the next caller loads again', async () => {
    let loads = 0;
    const once = new LoadedOnce(async () => {
      loads += 1;
      if (loads === 1) throw new Error('broken install');
      return 'loaded';
    });
    await expect(once.get()).rejects.toThrow('broken install');
    expect(once.value).toBeUndefined();
    await expect(once.get()).resolves.toBe('loaded');
    expect(once.value).toBe('loaded');
    expect(loads).toBe(2);
  });
});
