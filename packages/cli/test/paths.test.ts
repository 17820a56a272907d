import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import path from 'node:path';
import {
  MAX_SEGMENT_BYTES,
  PathAllocator,
  pathEscapesDirectory,
  pathFromUrl,
  sanitizeRelativePath,
  sanitizeSegment,
} from '../dist/download/paths.js';

const DIR = path.resolve('/tmp/rf-out');

function isInside(dir: string, relative: string): boolean {
  const resolved = path.resolve(dir, relative);
  return resolved.startsWith(dir + path.sep);
}

/** Text likely to break naive code: separators, dots, odd characters, unicode, percent signs. */
const hostileText = fc.stringMatching(/^[a-zA-Z0-9./\\:*?"<>|%\u0000\u001f\u00e9\u4e2d .-]{0,60}$/);

describe('sanitizeRelativePath', () => {
  it.each([
    ['../../etc/passwd', 'etc/passwd'],
    ['/etc/passwd', 'etc/passwd'],
    ['a/./b/../c', 'a/b/c'],
    ['C:\\Windows\\system32', 'C__Windows_system32'],
    ['dir/', 'dir/index'],
    ['', 'index'],
    ['..', 'index'],
    ['a//b', 'a/b'],
    ['con.txt', '_con.txt'],
    ['logs/LPT1', 'logs/_LPT1'],
    ['what?<is>|"this"*.txt', 'what__is___this__.txt'],
    ['tab\there\u0000nul', 'tab_here_nul'],
    ['trailing. . ', 'trailing'],
  ])('%j → %j', (raw, expected) => {
    expect(sanitizeRelativePath(raw)).toBe(expected);
    expect(isInside(DIR, expected)).toBe(true);
  });

  it('percent-decodes URL paths after splitting, so an encoded slash or dot-dot cannot climb', () => {
    expect(sanitizeRelativePath('/a%20b/%2e%2e/%2E%2E/c%2Fd', { decode: true })).toBe('a b/c_d');
    expect(sanitizeRelativePath('/bad%E0%A4%A', { decode: true })).toBe('bad%E0%A4%A');
  });

  it('takes an explicit path literally (no percent-decoding)', () => {
    expect(sanitizeRelativePath('100%25/x')).toBe('100%25/x');
  });

  it('truncates long names to the byte limit, keeping the extension and whole characters', () => {
    const long = sanitizeSegment(`${'é'.repeat(300)}.tar`);
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(MAX_SEGMENT_BYTES);
    expect(long.endsWith('.tar')).toBe(true);
    expect(long).not.toContain('\uFFFD');
  });

  it('property: any input gives a clean relative path inside DIR', () => {
    fc.assert(
      fc.property(hostileText, fc.boolean(), (raw, decode) => {
        const safe = sanitizeRelativePath(raw, { decode });
        const segments = safe.split('/');
        expect(segments.length).toBeGreaterThan(0);
        for (const segment of segments) {
          expect(segment).not.toBe('');
          expect(segment).not.toBe('.');
          expect(segment).not.toBe('..');
          expect(segment).not.toMatch(/[\u0000-\u001f\\:*?"<>|]/);
          expect(Buffer.byteLength(segment)).toBeLessThanOrEqual(MAX_SEGMENT_BYTES);
        }
        expect(path.isAbsolute(safe)).toBe(false);
        expect(isInside(DIR, safe)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('pathFromUrl', () => {
  it('uses host (with port) and the decoded path, and ignores the query', () => {
    expect(pathFromUrl('http://127.0.0.1:8080/data/a%20file.bin?token=1#x')).toBe('127.0.0.1_8080/data/a file.bin');
    expect(pathFromUrl('https://example.com/')).toBe('example.com/index');
    expect(pathFromUrl('https://example.com/dir/')).toBe('example.com/dir/index');
    expect(pathFromUrl('http://[::1]:3000/x')).toBe('[__1]_3000/x');
  });

  it('property: any URL path stays inside DIR', () => {
    fc.assert(
      fc.property(hostileText, (rawPath) => {
        let url: URL;
        try {
          url = new URL(`http://example.com/${rawPath}`);
        } catch {
          return;
        }
        expect(isInside(DIR, pathFromUrl(url))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('pathEscapesDirectory', () => {
  it.each([
    ['../../etc/passwd', true],
    ['/etc/passwd', true],
    ['C:\\x', true],
    ['a/../../b', true],
    ['..\\..\\x', true],
    ['a/../b', false],
    ['sub/dir/file.bin', false],
    ['./file', false],
  ])('%j → %j', (raw, escapes) => {
    expect(pathEscapesDirectory(raw)).toBe(escapes);
  });
});

describe('PathAllocator', () => {
  it('numbers repeated names deterministically, case-insensitively', () => {
    const allocator = new PathAllocator(DIR);
    const names = ['a.txt', 'a.txt', 'A.TXT', 'a.txt'].map((p) => allocator.allocate(p).relativePath);
    expect(names).toEqual(['a.txt', 'a (2).txt', 'A (3).TXT', 'a (4).txt']);
  });

  it('keeps a file and a directory of the same name apart, in either order', () => {
    const allocator = new PathAllocator(DIR);
    expect(allocator.allocate('x').relativePath).toBe('x');
    expect(allocator.allocate('x/y').relativePath).toBe('x (2)/y');
    expect(allocator.allocate('x/z').relativePath).toBe('x (2)/z');
    expect(allocator.allocate('d/f').relativePath).toBe('d/f');
    expect(allocator.allocate('d').relativePath).toBe('d (2)');
  });

  it('resolves the absolute path inside the directory', () => {
    const allocator = new PathAllocator(DIR);
    const target = allocator.allocate(sanitizeRelativePath('../../etc/passwd'));
    expect(target.absolutePath).toBe(path.join(DIR, 'etc', 'passwd'));
  });

  it('refuses a relative path that would resolve outside (defence in depth)', () => {
    const allocator = new PathAllocator(DIR);
    expect(() => allocator.resolveInside('../escape')).toThrow(/outside/);
  });

  it('property: allocations are distinct, never nest under a file, and repeat across runs', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[abAB./]{1,8}$/), { maxLength: 30 }), (raws) => {
        const first = new PathAllocator(DIR);
        const second = new PathAllocator(DIR);
        const a = raws.map((raw) => first.allocate(sanitizeRelativePath(raw)).relativePath);
        const b = raws.map((raw) => second.allocate(sanitizeRelativePath(raw)).relativePath);
        expect(a).toEqual(b);
        const lower = a.map((p) => p.toLowerCase());
        expect(new Set(lower).size).toBe(lower.length);
        for (const file of lower) {
          expect(lower.some((other) => other.startsWith(`${file}/`))).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });
});
