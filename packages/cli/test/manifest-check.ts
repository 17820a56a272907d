/** Checks that a manifest describes bytes that are on disk: every ok line's file exists with its size and sha256. */
import { expect } from '@jest/globals';
import { createHash } from 'node:crypto';
import { lstat, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ManifestEntry } from '../dist/download/manifest.js';

export async function readManifest(file: string): Promise<ManifestEntry[]> {
  const text = (await readFile(file, 'utf8')).trim();
  return text === '' ? [] : text.split('\n').map((line) => JSON.parse(line) as ManifestEntry);
}

export async function expectManifestMatchesDisk(entries: ManifestEntry[], outputDir: string): Promise<void> {
  for (const entry of entries.filter((e) => e.ok)) {
    const file = path.join(outputDir, ...(entry.path ?? '').split('/'));
    const info = await lstat(file);
    expect({ path: entry.path, regular: info.isFile(), bytes: info.size }).toEqual({ path: entry.path, regular: true, bytes: entry.bytes });
    if (entry.sha256 !== null) {
      expect({ path: entry.path, sha256: createHash('sha256').update(await readFile(file)).digest('hex') }).toEqual({ path: entry.path, sha256: entry.sha256 });
    }
  }
}
