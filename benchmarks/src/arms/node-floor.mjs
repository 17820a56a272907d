/**
 * The floor of a Node downloader on this machine: node:http straight into
 * fs.createWriteStream through one keep-alive agent, `jobs` at a time, and
 * nothing else (no got, no temp file and rename, no checks). With --sha256 each
 * body is also hashed on the same thread, as a plain script would do it.
 *
 * got runs on node:http, so what this reaches bounds `rf download`: a target
 * above it is out of reach for any got-based engine in one process.
 *
 *   node node-floor.mjs LIST OUT_DIR JOBS [--sha256]
 * LIST holds `URL<TAB>name` lines (the rf arm's list format).
 */
import { createHash } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';

const [listFile, outDir, jobsText, hashFlag] = process.argv.slice(2);
const jobs = Number(jobsText);
const hash = hashFlag === '--sha256';
const entries = readFileSync(listFile, 'utf8').split('\n').filter(Boolean).map((line) => line.split('\t'));
const agent = new http.Agent({ keepAlive: true, maxSockets: jobs });

function download([url, name]) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (response) => {
        if (response.statusCode !== 200) return reject(new Error(`${url} answered ${response.statusCode}`));
        const digest = hash ? createHash('sha256') : undefined;
        const file = createWriteStream(join(outDir, name));
        if (digest) response.on('data', (chunk) => digest.update(chunk));
        response.pipe(file);
        file.on('finish', () => resolve(digest?.digest('hex')));
        file.on('error', reject);
        response.on('error', reject);
      })
      .on('error', reject);
  });
}

let next = 0;
async function lane() {
  while (next < entries.length) await download(entries[next++]);
}
await Promise.all(Array.from({ length: Math.min(jobs, entries.length) }, lane));
agent.destroy();
