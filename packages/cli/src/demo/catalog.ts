/**
 * The demo's file set: a few hundred files whose names, sizes and content
 * seeds all follow from one seed. Sizes are log-uniform between a few KB and
 * 16 MiB, so most files are small and a few are large, as on a real mirror.
 */
import { mixSeed, seededRandom } from './prng.js';

export const MIN_FILE_BYTES = 4 * 1024;
export const MAX_FILE_BYTES = 16 * 1024 * 1024;

export interface DemoFile {
  /** URL path under /files/, '/'-separated. */
  name: string;
  size: number;
  /** Seed of the content generator. */
  seed: number;
  /** Strong validator: same name and seed, same bytes. */
  etag: string;
}

export interface CatalogOptions {
  seed: number;
  count: number;
  /** Upper bound of the sizes (default 16 MiB); tests pass a small one. */
  maxBytes?: number;
  minBytes?: number;
}

const FOLDERS = ['images', 'logs', 'datasets/2024', 'datasets/2025', 'archives'];
const EXTENSIONS = ['.bin', '.dat', '.img', '.tar', '.csv'];

export function buildCatalog({ seed, count, maxBytes = MAX_FILE_BYTES, minBytes = MIN_FILE_BYTES }: CatalogOptions): DemoFile[] {
  const random = seededRandom(seed);
  const logMin = Math.log(minBytes);
  const logMax = Math.log(Math.max(minBytes, maxBytes));
  const files: DemoFile[] = [];
  for (let i = 0; i < count; i += 1) {
    const folder = FOLDERS[Math.floor(random() * FOLDERS.length)];
    const extension = EXTENSIONS[Math.floor(random() * EXTENSIONS.length)];
    // Squaring skews toward small files while keeping the largest reachable.
    const size = Math.round(Math.exp(logMin + random() ** 2 * (logMax - logMin)));
    const fileSeed = mixSeed(seed, i);
    files.push({
      name: `${folder}/file-${String(i).padStart(4, '0')}${extension}`,
      size,
      seed: fileSeed,
      etag: `"${fileSeed.toString(16)}-${size.toString(16)}"`,
    });
  }
  return files;
}

export function catalogBytes(files: readonly DemoFile[]): number {
  return files.reduce((total, file) => total + file.size, 0);
}
