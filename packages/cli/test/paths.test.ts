import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import path from 'node:path';
import { ENGINE_NAME_OVERHEAD_BYTES, isEngineFileName } from '@requests-futures/core/engine-files';
import {
  MAX_NAME_BYTES,
  MAX_SEGMENT_BYTES,
  PathAllocator,
  alternativeName,
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

  it.each([
    ['a\u202etxt.exe', 'a_txt.exe'],
    ['\u2066x\u2069\u200e\u200f\u061c.bin', '_x____.bin'],
    ['c1\u0085\u009b.txt', 'c1__.txt'],
    ['zero\u200bwidth\u2060\ufeff.txt', 'zero_width__.txt'],
    ['pay\u200dpal.com', 'pay_pal.com'],
    ['line\u2028break', 'line_break'],
  ])('replaces bidi, control and invisible characters: %j → %j', (raw, expected) => {
    expect(sanitizeRelativePath(raw)).toBe(expected);
  });

  it('keeps joiners that do a job: emoji sequences, Persian and Indic shaping', () => {
    const family = '\u{1F468}\u200d\u{1F469}\u200d\u{1F467}.png';
    expect(sanitizeRelativePath(family)).toBe(family);
    const persian = '\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645.txt';
    expect(sanitizeRelativePath(persian)).toBe(persian);
    // A joiner between Latin letters only hides something.
    expect(sanitizeRelativePath('a\u200cb')).toBe('a_b');
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
          expect(segment).not.toMatch(/[\u0000-\u001f\u007f-\u009f\\:*?"<>|]/);
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

  it.each([
    ['.big.bin.part'],
    ['.big.bin.part.json'],
    ['.big.bin.part.lock'],
    ['.big.bin.4242-0123456789ab.part'],
    ['.big.bin.part.lock.4242-0123456789ab'],
    ['.big.bin.part.lock.4242-0123456789ab.stale'],
    ['.BIG.BIN.PART'],
  ])('never hands out the engine name %j, in either order with big.bin', (reserved) => {
    for (const order of [['big.bin', reserved], [reserved, 'big.bin']]) {
      const allocator = new PathAllocator(DIR);
      const [first, second] = order.map((name) => allocator.allocate(name).relativePath);
      const hidden = order[0] === 'big.bin' ? second : first;
      expect(hidden).toBe(`${reserved} (2)`);
      expect(isEngineFileName(hidden)).toBe(false);
    }
  });

  it('numbers reserved-looking names so that no number makes another reserved name', () => {
    // "name (n).ext" would turn ".big.bin.part" into ".big.bin (2).part", the part file of "big.bin (2)".
    expect(alternativeName('.big.bin.part', 2)).toBe('.big.bin.part (2)');
    expect(alternativeName('..part', 2)).toBe('..part (2)');
    expect(alternativeName('big.bin', 2)).toBe('big (2).bin');
    const allocator = new PathAllocator(DIR);
    expect(allocator.allocate('d/.x.part/y').relativePath).toBe('d/.x.part (2)/y');
  });

  it('shortens a path too long for the file system, keeping the host and the file name', () => {
    const allocator = new PathAllocator(DIR);
    const deep = ['host', ...Array.from({ length: 40 }, (_, i) => `${String(i).padStart(3, '0')}${'d'.repeat(150)}`), 'file.bin'].join('/');
    const other = deep.replace('039', '038');
    const a = allocator.allocate(deep).relativePath;
    const b = allocator.allocate(other).relativePath;
    expect(a.startsWith('host/000')).toBe(true);
    expect(a.endsWith('/file.bin')).toBe(true);
    expect(a).not.toBe(b);
    expect(Buffer.byteLength(path.join(DIR, a)) + ENGINE_NAME_OVERHEAD_BYTES).toBeLessThan(4096);
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

describe('PathAllocator numbering', () => {
  it('gives each repeated name the first free number, however the names interleave', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a.bin', 'A.BIN', 'a (2).bin', 'a (3).bin', 'b.bin', 'd/a.bin', 'a.bin/x'), { maxLength: 40 }), (raws) => {
        const allocator = new PathAllocator(DIR);
        const taken: string[] = [];
        for (const raw of raws) {
          const given = allocator.allocate(raw).relativePath;
          const numbered = /^(.*) \((\d+)\)(\.bin)?$/i.exec(given);
          if (numbered !== null && given !== raw) {
            // Every lower alternative of this base was taken (as a file or as a directory) before.
            const [, stem, number, extension = ''] = numbered;
            for (let n = 1; n < Number(number); n += 1) {
              const lower = (n === 1 ? `${stem}${extension}` : `${stem} (${n})${extension}`).toLowerCase();
              expect(taken.some((t) => t === lower || t.startsWith(`${lower}/`))).toBe(true);
            }
          }
          taken.push(given.toLowerCase());
        }
      }),
      { numRuns: 300 },
    );
  });

  it('numbers 50,000 copies of one name in linear time (each resumes where the last stopped)', () => {
    // Probing (2), (3), … from the start each time made a list of "file?id=N" URLs quadratic: 20,000 took over ten minutes.
    const allocator = new PathAllocator(DIR);
    let last = '';
    for (let index = 0; index < 50_000; index += 1) last = allocator.allocate('host/tiny.bin').relativePath;
    expect(last).toBe('host/tiny (50000).bin');
  });
});

/** Pieces hostile lists are made of: the engine's names, case variants, dots, bidi characters, long names, climbing and empty segments. */
const hostileSegment = fc.oneof(
  fc.constantFrom('big.bin', 'BIG.BIN', 'Big.Bin', '.big.bin.part', '.BIG.bin.PART', '.big.bin.part.json', '.big.bin.part.lock',
    '.big.bin.123-0123456789ab.part', '.big.bin.part.lock.9-0123456789ab.stale', '.big.bin.part.lock.9-0123456789ab', '.big.bin (2).part', 'big (2).bin', '..part', '.', '..', '', ' ', '...', 'a.', 'con',
    'a\u202etxt.exe', '\u2066x\u2069', 'x\u200d', '\u0085', 'index'),
  fc.constantFrom('a', 'é', 'x.tar.gz', '\u4e2d').chain((unit) => fc.integer({ min: 1, max: 300 }).map((n) => unit.repeat(n))),
  fc.stringMatching(/^[a-zA-Z.\u202e ]{0,6}(\.part|\.part\.json|\.part\.lock)?$/).map((s) => `.${s}`),
);
const hostileList = fc.array(fc.array(hostileSegment, { minLength: 1, maxLength: 5 }).map((parts) => parts.join('/')), { maxLength: 40 });

/** The names the engine may create beside a download at `relative`. */
function engineNamesOf(relative: string): string[] {
  const slash = relative.lastIndexOf('/');
  const dir = relative.slice(0, slash + 1);
  const name = relative.slice(slash + 1);
  const claim = `.${name}.part.lock`;
  return [`.${name}.part`, `.${name}.part.json`, claim, `${claim}.4194304-0123456789ab`, `${claim}.4194304-0123456789ab.stale`, `.${name}.4194304-0123456789ab.part`].map(
    (hidden) => dir + hidden,
  );
}

describe('PathAllocator property: hostile lists', () => {
  it('never gives two entries one path, never leaves DIR, never hands out an engine name', () => {
    fc.assert(
      fc.property(hostileList, fc.boolean(), (raws, decode) => {
        const allocator = new PathAllocator(DIR);
        const allocated = raws.map((raw) => allocator.allocate(sanitizeRelativePath(raw, { decode })));
        const files = allocated.map((a) => a.relativePath.toLowerCase());
        expect(new Set(files).size).toBe(files.length);
        const directories = new Set(files.flatMap((file) => file.split('/').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('/'))));
        for (const { relativePath, absolutePath } of allocated) {
          expect(absolutePath.startsWith(DIR + path.sep)).toBe(true);
          expect(path.resolve(DIR, relativePath)).toBe(absolutePath);
          expect(directories.has(relativePath.toLowerCase())).toBe(false);
          for (const segment of relativePath.split('/')) {
            expect(['', '.', '..']).not.toContain(segment);
            expect(isEngineFileName(segment)).toBe(false);
            expect(segment).not.toMatch(/[\p{Cc}\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/u);
            expect(Buffer.byteLength(segment) + ENGINE_NAME_OVERHEAD_BYTES).toBeLessThanOrEqual(MAX_NAME_BYTES);
          }
          for (const hidden of engineNamesOf(relativePath.toLowerCase())) {
            expect(files).not.toContain(hidden);
            expect(directories.has(hidden)).toBe(false);
          }
        }
      }),
      { numRuns: 400 },
    );
  });
});
