/**
 * relativeInside (http/path-inside.ts): the one "is this path inside DIR" test
 * that saveWithin (save-within.ts) and rf download's own files (run-files.ts)
 * share, by the path's text.
 */
import { describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { relativeInside } from '@requests-futures/core/internal';

describe('relativeInside', () => {
  const dir = path.resolve('/srv/out');

  it('gives the path below the directory, in platform separators', () => {
    expect(relativeInside(dir, path.join(dir, 'a.bin'))).toBe('a.bin');
    expect(relativeInside(dir, path.join(dir, 'sub', 'b.bin'))).toBe(path.join('sub', 'b.bin'));
    // A name that merely starts with dots is a name, not a way up.
    expect(relativeInside(dir, path.join(dir, '..hidden'))).toBe('..hidden');
  });

  it('is null for the directory itself, its parent, and anything beside or above it', () => {
    expect(relativeInside(dir, dir)).toBeNull();
    expect(relativeInside(dir, path.dirname(dir))).toBeNull();
    expect(relativeInside(dir, path.join(dir, '..', 'other', 'a.bin'))).toBeNull();
    // A sibling whose name begins with the directory's is not inside it.
    expect(relativeInside(dir, `${dir}-evil${path.sep}a.bin`)).toBeNull();
  });
});
