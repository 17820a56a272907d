import { describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { isBadLine, openUrlList, parseUrlListLine, readUrlList, readUrlListInBatches, type BadLine, type UrlListEntry } from '../dist/download/input.js';
import { parseChecksumLine } from '../dist/download/checksums.js';
import { countListEntries } from '../dist/download/count.js';

async function readAll(source: Readable): Promise<{ entries: UrlListEntry[]; bad: BadLine[] }> {
  const bad: BadLine[] = [];
  const entries: UrlListEntry[] = [];
  for await (const entry of readUrlList(source, { onBadLine: (b) => bad.push(b) })) entries.push(entry);
  return { entries, bad };
}

const LIST = [
  '\uFEFF# a comment on line 1',
  'http://127.0.0.1:9/a.bin',
  '',
  '   ',
  '  # indented comment',
  'ftp://127.0.0.1/file',
  'not a url',
  'https://example.com/x\tcustom/name.bin',
  'http://127.0.0.1:9/b\t../../etc/passwd',
  'http://127.0.0.1:9/c\t/abs/path',
  'http://127.0.0.1:9/d\t',
  'http://127.0.0.1:9/e\r',
  'mailto:someone@example.com',
].join('\n');

describe('readUrlList', () => {
  it('in batches: the entries and refused lines of a chunk in line order, an entry held until the next URL line (in a later chunk) completes it', async () => {
    const chunks = ['http://127.0.0.1:9/a\nnot a url\nhttp://127.0.0.1:9/b\n', '  out=b.bin\nhttp://127.0.0.1:9/c\n'];
    const batches: Array<Array<number | string>> = [];
    for await (const items of readUrlListInBatches(Readable.from(chunks))) {
      batches.push(items.map((item) => (isBadLine(item) ? `bad ${item.lineNumber}` : item.lineNumber)));
    }
    expect(batches).toEqual([[1, 'bad 2'], [3], [5]]);
    const { entries } = await readAll(Readable.from(chunks));
    expect(entries.find((entry) => entry.lineNumber === 3)).toEqual({ url: 'http://127.0.0.1:9/b', requestedPath: 'b.bin', lineNumber: 3 });
  });

  it('yields good lines with their line numbers and reports bad ones without stopping', async () => {
    const { entries, bad } = await readAll(Readable.from([LIST]));
    expect(entries).toEqual([
      { url: 'http://127.0.0.1:9/a.bin', lineNumber: 2 },
      { url: 'https://example.com/x', requestedPath: 'custom/name.bin', lineNumber: 8 },
      { url: 'http://127.0.0.1:9/d', lineNumber: 11 },
      { url: 'http://127.0.0.1:9/e', lineNumber: 12 },
    ]);
    expect(bad.map((b) => b.lineNumber)).toEqual([6, 7, 9, 10, 13]);
    expect(bad[0].reason).toMatch(/not an http\(s\) URL/);
    expect(bad[2].reason).toMatch(/escapes the output directory/);
    expect(bad[2].text).toContain('../../etc/passwd');
  });

  it('counts lines correctly across chunk boundaries and CRLF endings', async () => {
    const text = 'http://h/1\r\n\r\nbad\r\nhttp://h/2\r\n';
    const chunks = text.match(/.{1,3}/gs) ?? [];
    const { entries, bad } = await readAll(Readable.from(chunks));
    expect(entries.map((e) => [e.url, e.lineNumber])).toEqual([
      ['http://h/1', 1],
      ['http://h/2', 4],
    ]);
    expect(bad.map((b) => b.lineNumber)).toEqual([3]);
  });

  it('splits lines as readline does: CRLF split between chunks, a lone CR, a character split between chunks, no final newline', async () => {
    const bytes = Buffer.from('http://h/1\r\nhttp://h/\u00e9\rhttp://h/3\r\n\nhttp://h/4');
    const crlf = bytes.indexOf('\r\n');
    const accent = bytes.indexOf(0xc3);
    const chunks = [bytes.subarray(0, crlf + 1), bytes.subarray(crlf + 1, accent + 1), bytes.subarray(accent + 1)];
    const { entries } = await readAll(Readable.from(chunks));
    expect(entries.map((e) => [e.url, e.lineNumber])).toEqual([
      ['http://h/1', 1],
      ['http://h/\u00e9', 2],
      ['http://h/3', 3],
      ['http://h/4', 5],
    ]);
  });

  it('reads a file path lazily: stopping early leaves the rest unread', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rf-input-'));
    try {
      const file = path.join(dir, 'urls.txt');
      await writeFile(file, Array.from({ length: 10_000 }, (_, i) => `http://h/${i}`).join('\n'));
      const seen: string[] = [];
      for await (const entry of readUrlList(openUrlList(file, process.stdin))) {
        seen.push(entry.url);
        if (seen.length === 3) break;
      }
      expect(seen).toEqual(['http://h/0', 'http://h/1', 'http://h/2']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("'-' reads the given stdin stream", async () => {
    const stdin = Readable.from(['http://h/from-stdin\n']);
    const { entries } = await readAll(openUrlList('-', stdin));
    expect(entries.map((e) => e.url)).toEqual(['http://h/from-stdin']);
  });
});

describe('per-line options (aria2c style)', () => {
  const hex = 'cd'.repeat(32);
  const MIXED = [
    '# every form in one list',
    'http://h/plain',
    'http://h/tab\tby/tab.bin',
    `http://h/tab-digest\tby/tab2.bin\tsha256=${hex}`,
    'http://h/opts',
    '  out=by/option.bin',
    '\theader=X-One: 1',
    '',
    '  # a comment between options',
    '    header=X-Two: two words',
    `  checksum=sha-256=${hex.toUpperCase()}`,
    '   http://h/indented-url-stays-a-url',
    'http://h/tab-and-header\tt.bin',
    '  header=Accept: */*',
    'http://h/bad-option',
    '  outt=typo.bin',
    '  out=ignored-after-the-refusal.bin',
    'http://h/twice\tfirst.bin',
    '  out=second.bin',
    'http://h/escape',
    '  out=../../etc/x',
    'http://h/bad-checksum',
    '  checksum=md5=abc',
    'not a url',
    '  out=option-of-a-bad-line.bin',
    'http://h/last',
    '  header=X-Last: yes',
  ].join('\n');

  it('attaches indented name=value lines to the URL above; a bad option refuses that URL, reported at its own line', async () => {
    const { entries, bad } = await readAll(Readable.from([MIXED]));
    expect(entries).toEqual([
      { url: 'http://h/plain', lineNumber: 2 },
      { url: 'http://h/tab', requestedPath: 'by/tab.bin', lineNumber: 3 },
      { url: 'http://h/tab-digest', requestedPath: 'by/tab2.bin', expectedSha256: hex, lineNumber: 4 },
      { url: 'http://h/opts', requestedPath: 'by/option.bin', headers: { 'X-One': '1', 'X-Two': 'two words' }, expectedSha256: hex, lineNumber: 5 },
      { url: 'http://h/indented-url-stays-a-url', lineNumber: 12 },
      { url: 'http://h/tab-and-header', requestedPath: 't.bin', headers: { Accept: '*/*' }, lineNumber: 13 },
      { url: 'http://h/last', headers: { 'X-Last': 'yes' }, lineNumber: 26 },
    ]);
    expect(bad.map((b) => [b.lineNumber, b.url])).toEqual([
      [16, 'http://h/bad-option'],
      [19, 'http://h/twice'],
      [21, 'http://h/escape'],
      [23, 'http://h/bad-checksum'],
      [24, 'not a url'],
    ]);
    expect(bad[0]?.reason).toBe('unknown option "outt" (known: out, header, checksum) (an option of the URL on line 15)');
    expect(bad[1]?.reason).toMatch(/out="second\.bin": the path is already given \("first\.bin"\)/);
    expect(bad[2]?.reason).toMatch(/out="\.\.\/\.\.\/etc\/x" escapes the output directory/);
    expect(bad[3]?.reason).toMatch(/only checksum=sha-256=<64 hex digits> is supported/);
    expect(bad[4]?.reason).toMatch(/not an http\(s\) URL/);
  });

  it('an option line before any URL is a bad line; a conflicting checksum or a repeated header refuses the URL', async () => {
    const list = ['  out=x.bin', `http://h/a\t\tsha256=${hex}`, `  checksum=sha-256=${'ef'.repeat(32)}`, 'http://h/b', '  header=X: 1', '  header=x: 2', '  header=nocolon'].join('\n');
    const { entries, bad } = await readAll(Readable.from([list]));
    expect(entries).toEqual([]);
    expect(bad.map((b) => [b.lineNumber, b.reason])).toEqual([
      [1, 'an option line with no URL line before it'],
      [3, 'checksum= differs from the sha256 already given for this URL (an option of the URL on line 2)'],
      [6, 'header "x" is given twice for this URL (an option of the URL on line 4)'],
    ]);
  });
});

describe('countListEntries', () => {
  it('counts the downloadable lines of a file (what the progress bar shows as the total)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rf-count-'));
    try {
      const file = path.join(dir, 'urls.txt');
      await writeFile(file, LIST);
      expect(await countListEntries(file, new AbortController().signal)).toBe(4);
      const aborted = new AbortController();
      aborted.abort();
      expect(await countListEntries(file, aborted.signal)).toBeNull();
      expect(await countListEntries(path.join(dir, 'missing.txt'), new AbortController().signal)).toBeNull();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('digests in lists and sha256sum files', () => {
  const hex = 'ab'.repeat(32);

  it('takes sha256=<hex> as the third field, with or without a path, lower-cased', () => {
    expect(parseUrlListLine(`http://h/a\tx.bin\tsha256=${hex.toUpperCase()}`, 1)).toEqual({ url: 'http://h/a', requestedPath: 'x.bin', expectedSha256: hex, lineNumber: 1 });
    expect(parseUrlListLine(`http://h/a\t\tsha256=${hex}`, 2)).toEqual({ url: 'http://h/a', expectedSha256: hex, lineNumber: 2 });
    expect(parseUrlListLine(`http://h/a\tx.bin\tmd5=${hex}`, 3)).toMatchObject({ reason: expect.stringMatching(/not sha256=<64 hex digits>/) });
    expect(parseUrlListLine(`http://h/a\tx.bin\tsha256=${hex}0`, 4)).toMatchObject({ reason: expect.stringMatching(/not 64 hex digits/) });
  });

  it('reads sha256sum lines: text and binary mode, ./ prefixes, the escaped form; refuses others naming the line', () => {
    expect(parseChecksumLine(`${hex}  a/b.bin`, 1, 'SUMS')).toEqual(['a/b.bin', hex]);
    expect(parseChecksumLine(`${hex.toUpperCase()} *./c d.bin`, 2, 'SUMS')).toEqual(['c d.bin', hex]);
    expect(parseChecksumLine(`\\${hex}  new\\nline\\\\x`, 3, 'SUMS')).toEqual(['new\nline\\x', hex]);
    expect(parseChecksumLine('', 4, 'SUMS')).toBeNull();
    expect(() => parseChecksumLine(`${hex} a.bin`, 5, 'SUMS')).toThrow(/SUMS, line 5/);
  });
});
