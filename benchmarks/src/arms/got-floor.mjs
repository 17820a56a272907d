/**
 * The floor of a got-based downloader: got's stream API straight into a
 * temporary file renamed into place once complete (the least a downloader
 * that never leaves a partial file under the final name does), through one
 * keep-alive agent, `jobs` at a time, and nothing else (no checks, no
 * manifest). With --sha256 each body is also hashed on the same thread.
 *
 * The design card keeps got as rf's HTTP client, so a target above this floor
 * is out of reach for rf in one process, whatever the engine around got does.
 *
 *   node got-floor.mjs GOT_MODULE LIST OUT_DIR JOBS [--sha256]
 * GOT_MODULE is the got build to load (rf's one-file build, so start-up
 * compares); LIST holds `URL<TAB>name` lines (the rf arm's list format).
 */
import { createHash } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import http from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';

const [gotModule, listFile, outDir, jobsText, hashFlag] = process.argv.slice(2);
const { default: got } = await import(pathToFileURL(gotModule).href);
const jobs = Number(jobsText);
const hash = hashFlag === '--sha256';
const entries = readFileSync(listFile, 'utf8').split('\n').filter(Boolean).map((line) => line.split('\t'));
const agent = new http.Agent({ keepAlive: true, maxSockets: jobs });
const client = got.extend({ agent: { http: agent }, retry: { limit: 0 } });

async function download([url, name]) {
  const temporary = join(outDir, `${name}.part`);
  const body = client.stream(url);
  const digest = hash ? createHash('sha256') : undefined;
  if (digest) body.on('data', (chunk) => digest.update(chunk));
  await pipeline(body, createWriteStream(temporary));
  await rename(temporary, join(outDir, name));
  return digest?.digest('hex');
}

let next = 0;
async function lane() {
  while (next < entries.length) await download(entries[next++]);
}
await Promise.all(Array.from({ length: Math.min(jobs, entries.length) }, lane));
agent.destroy();
