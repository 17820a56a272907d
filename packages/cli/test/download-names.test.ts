/**
 * rf download and the engine's hidden files: list entries named like the
 * files the engine keeps beside a download (`.T.part`, `.T.part.json`,
 * `.T.part.lock`, `.T.<pid>-<hex>.part`) get " (2)" and never share bytes with
 * `T`; bidi and invisible characters never reach a file name.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { runCli } from '../dist/program.js';
import { captureIo, startContentServer, useDownloadFixture } from './helpers.js';
import { expectManifestMatchesDisk, readManifest } from './manifest-check.js';

describe('rf download: names the engine uses are reserved', () => {
  // big.bin is answered only after the 4 hidden-named entries were: on the old allocator they
  // had then already written over (or renamed onto) big.bin's part file.
  let hiddenAnswered = 0;
  let releaseBig: () => void = () => undefined;
  let bigGate = Promise.resolve();
  const gateBig = () => {
    hiddenAnswered = 0;
    bigGate = new Promise<void>((resolve) => (releaseBig = resolve));
  };

  // Declared before the fixture, so it runs before the server closes (afterAll hooks run in the order declared).
  afterAll(() => releaseBig());
  const fixture = useDownloadFixture('rf-names-', () =>
    startContentServer({
      beforeAnswer: async (urlPath) => {
        if (urlPath.endsWith('/big.bin')) await bigGate;
      },
      handle: (urlPath, _req, res) => {
        if (!urlPath.endsWith('/big.bin')) {
          res.once('finish', () => {
            hiddenAnswered += 1;
            if (hiddenAnswered === 4) setImmediate(releaseBig);
          });
        }
        return false;
      },
    }),
  );

  it.each([['--resume'], ['--no-resume-given']])('entries named .big.bin.part* beside big.bin get " (2)" (%s)', async (mode) => {
    gateBig();
    const out = path.join(fixture.work, mode);
    const manifest = path.join(fixture.work, `${mode}.jsonl`);
    const lines = [
      `${fixture.server.url}/big.bin\tbig.bin`,
      `${fixture.server.url}/hidden-1\t.big.bin.part`,
      `${fixture.server.url}/hidden-2\t.big.bin.part.json`,
      `${fixture.server.url}/hidden-3\t.big.bin.part.lock`,
      `${fixture.server.url}/hidden-4\t.big.bin.${process.pid}-0123456789ab.part`,
    ];
    const { io, output } = captureIo(lines.join('\n'));
    const args = ['download', '-', '-o', out, '-j', '8', '--retries', '0', '--manifest', manifest];
    if (mode === '--resume') args.push('--resume');

    const code = await runCli(args, { io });

    expect(output().stderr).toBe('');
    expect(code).toBe(0);
    const entries = await readManifest(manifest);
    // First what matters most: every line the manifest calls ok describes the bytes on disk.
    await expectManifestMatchesDisk(entries, out);
    expect(entries.map((e) => e.path).sort()).toEqual(
      ['big.bin', '.big.bin.part (2)', '.big.bin.part.json (2)', '.big.bin.part.lock (2)', `.big.bin.${process.pid}-0123456789ab.part (2)`].sort(),
    );
    const byPath = new Map(entries.map((e) => [e.path, e]));
    expect(byPath.get('big.bin')?.sha256).toBe(fixture.server.sha256('/big.bin'));
    expect(byPath.get('.big.bin.part (2)')?.sha256).toBe(fixture.server.sha256('/hidden-1'));
    // Nothing else is left: no part file, record or temporary.
    expect((await readdir(out)).sort()).toEqual([...byPath.keys()].sort());
  });

  it('a URL whose last segment is an engine name is saved under " (2)" too', async () => {
    gateBig();
    const out = path.join(fixture.work, 'from-url');
    const manifest = path.join(fixture.work, 'from-url.jsonl');
    const { io } = captureIo(
      ['big.bin', '.big.bin.part', '.big.bin.part.json', '.big.bin.part.lock', '.big.bin.1-0123456789ab.part'].map((name) => `${fixture.server.url}/${name}`).join('\n'),
    );

    expect(await runCli(['download', '-', '-o', out, '-j', '8', '--resume', '--manifest', manifest], { io })).toBe(0);

    const entries = await readManifest(manifest);
    await expectManifestMatchesDisk(entries, out);
    const host = new URL(fixture.server.url).host.replace(':', '_');
    expect(entries.map((e) => e.path).sort()).toEqual(
      ['big.bin', '.big.bin.part (2)', '.big.bin.part.json (2)', '.big.bin.part.lock (2)', '.big.bin.1-0123456789ab.part (2)'].map((name) => `${host}/${name}`).sort(),
    );
  });

  it('bidi and invisible characters in names are replaced, from a TAB path and from a URL', async () => {
    const out = path.join(fixture.work, 'bidi');
    const manifest = path.join(fixture.work, 'bidi.jsonl');
    const { io } = captureIo([`${fixture.server.url}/a%E2%80%AEtxt.exe`, `${fixture.server.url}/x\tinvoice\u202Efdp.exe`, `${fixture.server.url}/y\tc1\u0085\u200b\u2066.bin`].join('\n'));

    expect(await runCli(['download', '-', '-o', out, '--manifest', manifest], { io })).toBe(0);

    const entries = await readManifest(manifest);
    const host = new URL(fixture.server.url).host.replace(':', '_');
    expect(entries.map((e) => e.path).sort()).toEqual([`${host}/a_txt.exe`, 'c1___.bin', 'invoice_fdp.exe'].sort());
    await expectManifestMatchesDisk(entries, out);
  });
});
