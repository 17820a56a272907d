import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Total size of the files directly in `dir`: checks that an external tool wrote what it claims. */
export async function directoryBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir)) {
    const { size } = await stat(join(dir, name));
    total += size;
  }
  return total;
}
