import { describe, expect, it } from '@jest/globals';
import { title, version } from '@requests-futures/core';
import got from 'got';

describe('toolchain', () => {
  it('loads the built package and ESM-only deps', () => {
    expect(title).toBe('requests-futures');
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(typeof got).toBe('function');
  });
});
