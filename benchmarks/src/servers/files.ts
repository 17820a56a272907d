/**
 * The files nginx serves to the bulk scenario: N files of one size, with
 * deterministic, incompressible content (an AES-CTR keystream keyed by the
 * set's name), so every run and every machine downloads the same bytes.
 * Existing files of the right size are kept: generating 1 GiB each run
 * would cost more than the benchmark it feeds.
 */
import { createCipheriv, createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';

export interface FileSetSpec {
  /** Subdirectory name, also the URL path segment. */
  name: string;
  count: number;
  sizeBytes: number;
}

export interface GeneratedFile {
  /** Path relative to the files root, e.g. `4m-x64/file-003.bin`. */
  relativePath: string;
  absolutePath: string;
  sizeBytes: number;
}

const CHUNK = 1024 * 1024;

export async function generateFileSet(root: string, spec: FileSetSpec): Promise<GeneratedFile[]> {
  const dir = join(root, spec.name);
  await mkdir(dir, { recursive: true });
  const files: GeneratedFile[] = [];
  for (let index = 0; index < spec.count; index++) {
    const fileName = `file-${String(index).padStart(3, '0')}.bin`;
    const absolutePath = join(dir, fileName);
    if (!(await hasSize(absolutePath, spec.sizeBytes))) {
      await writeDeterministicFile(absolutePath, spec.sizeBytes, `${spec.name}/${fileName}`);
    }
    files.push({ relativePath: `${spec.name}/${fileName}`, absolutePath, sizeBytes: spec.sizeBytes });
  }
  return files;
}

async function hasSize(path: string, size: number): Promise<boolean> {
  try {
    return (await stat(path)).size === size;
  } catch {
    return false;
  }
}

async function writeDeterministicFile(path: string, size: number, identity: string): Promise<void> {
  const digest = createHash('sha256').update(identity).digest();
  const cipher = createCipheriv('aes-128-ctr', digest.subarray(0, 16), digest.subarray(16, 32));
  const zeros = Buffer.alloc(CHUNK);
  const out = createWriteStream(path);
  for (let written = 0; written < size; written += CHUNK) {
    const chunk = cipher.update(zeros.subarray(0, Math.min(CHUNK, size - written)));
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', resolve));
  }
  out.end();
  await finished(out);
}
