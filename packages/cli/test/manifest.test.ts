import { describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ManifestWriter, type ManifestEntry } from '../dist/download/manifest.js';

const entry = (i: number, ok = true): ManifestEntry => ({
  url: `http://127.0.0.1/file-${i}`,
  path: `127.0.0.1/file-${i}`,
  line: i + 1,
  ok,
  status: ok ? 200 : 404,
  bytes: ok ? i * 10 : null,
  sha256: ok ? 'ab'.repeat(32) : null,
  error: ok ? null : 'HTTP 404 Not Found',
  elapsedMs: 5,
});

describe('ManifestWriter', () => {
  it('writes one JSON object a line, in the order results arrive, creating the directory', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rf-manifest-'));
    try {
      const file = path.join(dir, 'nested', 'manifest.jsonl');
      const writer = await ManifestWriter.open(file);
      await writer.write(entry(0));
      await writer.write(entry(1, false));
      await writer.close();
      const lines = (await readFile(file, 'utf8')).split('\n');
      expect(lines).toHaveLength(3);
      expect(lines[2]).toBe('');
      expect(JSON.parse(lines[0])).toEqual(entry(0));
      expect(JSON.parse(lines[1])).toMatchObject({ ok: false, status: 404, error: 'HTTP 404 Not Found', sha256: null });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps every line when writes outpace the disk (waits for drain)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rf-manifest-'));
    try {
      const file = path.join(dir, 'manifest.jsonl');
      const writer = await ManifestWriter.open(file);
      for (let i = 0; i < 5000; i += 1) await writer.write(entry(i));
      await writer.close();
      const lines = (await readFile(file, 'utf8')).trim().split('\n');
      expect(lines).toHaveLength(5000);
      expect(JSON.parse(lines[4999]).url).toBe('http://127.0.0.1/file-4999');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails to open a manifest where a file cannot be created, naming the path', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rf-manifest-'));
    try {
      await expect(ManifestWriter.open(dir)).rejects.toThrow(/EISDIR|directory/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
