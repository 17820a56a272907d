/**
 * `pnpm demo`: everything runs locally. An embedded server serves a few
 * hundred generated files; `rf download` fetches them through two child
 * processes with the progress bar and the summary; the checksums are
 * verified; a short `rf bench` runs; then the README examples run against the
 * same server. Temporary files are removed at the end (--keep keeps them).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { catalogBytes } from './demo/catalog.js';
import { fileSha256 } from './demo/file-content.js';
import { runReadmeExamples } from './demo/readme-examples.js';
import { startDemoServer, type DemoServer } from './demo/server.js';
import type { ManifestEntry } from './download/manifest.js';
import { runCli } from './program.js';
import { formatBytes } from './util/format.js';

const DEMO_SEED = 20240601;
const DEMO_FILE_COUNT = 300;
const keep = process.argv.includes('--keep');
// Ctrl-C interrupts the download (its summary still prints) and the cleanup below still runs.
const interrupt = new AbortController();
process.once('SIGINT', () => interrupt.abort(new Error('interrupted (SIGINT)')));

function heading(text: string): void {
  console.log(`\n=== ${text} ===`);
}

/** The URL list: mostly plain URLs; a few lines name their own path, and a comment shows the format. */
function urlList(server: DemoServer): string {
  const lines = ['# rf download list: URL, or URL<TAB>relative/path; blank lines and # comments are skipped', ''];
  server.files.forEach((file, i) => {
    lines.push(i % 50 === 0 ? `${server.fileUrl(file)}\tpicked/${path.posix.basename(file.name)}` : server.fileUrl(file));
  });
  return `${lines.join('\n')}\n`;
}

async function verifyChecksums(server: DemoServer, manifestPath: string): Promise<void> {
  const expected = new Map(server.files.map((file) => [server.fileUrl(file), file]));
  const entries = (await readFile(manifestPath, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as ManifestEntry);
  let matching = 0;
  for (const entry of entries) {
    const file = expected.get(entry.url);
    if (file && entry.ok && entry.sha256 === fileSha256(file)) matching += 1;
  }
  console.log(`Checksums: ${matching}/${server.files.length} downloaded files match the server's content`);
}

async function main(): Promise<number> {
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'rf-demo-'));
  const listPath = path.join(workDir, 'urls.txt');
  const outputDir = path.join(workDir, 'downloads');
  const manifestPath = path.join(workDir, 'manifest.jsonl');
  const server = await startDemoServer({ seed: DEMO_SEED, count: DEMO_FILE_COUNT });
  let exitCode = 0;
  try {
    heading('Embedded server');
    console.log(`${server.baseUrl} serves ${server.files.length} generated files, ${formatBytes(catalogBytes(server.files))} in all`);
    await writeFile(listPath, urlList(server));

    heading('rf download (2 child processes, 16 concurrent downloads)');
    const args = ['download', listPath, '-o', outputDir, '-j', '16', '--processes', '2', '--manifest', manifestPath];
    console.log(`$ rf ${args.join(' ')}`);
    exitCode = await runCli(args, { signal: interrupt.signal });
    console.log(`(exit code ${exitCode})`);
    if (interrupt.signal.aborted) return exitCode;
    await verifyChecksums(server, manifestPath);

    heading('rf bench (in-process FuturesSession, 8 connections, 2 s)');
    const benchArgs = ['bench', `${server.baseUrl}/get`, '-c', '8', '-d', '2s'];
    console.log(`$ rf ${benchArgs.join(' ')}`);
    await runCli(benchArgs);

    // ---- README examples: the TypeScript twins of the reference README, against the same server ----
    heading('README examples');
    await runReadmeExamples(server.baseUrl);
  } finally {
    await server.close();
    heading('Where things were');
    console.log(`URL list:   ${listPath}`);
    console.log(`Downloads:  ${outputDir}`);
    console.log(`Manifest:   ${manifestPath}`);
    if (keep) {
      console.log(`Kept (--keep): ${workDir}`);
    } else {
      await rm(workDir, { recursive: true, force: true });
      console.log(`Removed ${workDir} (run with --keep to keep it)`);
    }
  }
  return exitCode;
}

process.exitCode = await main();
