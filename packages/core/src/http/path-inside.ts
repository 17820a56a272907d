/**
 * Whether a path lies inside a directory, by its text alone (no filesystem):
 * the engine's saveWithin check and rf download's test of its own files
 * (list, manifest, checksums) against DIR share it, so that both agree on
 * what "inside" means.
 */
import { isAbsolute, relative, sep } from 'node:path';

/** `target` relative to `directory` (platform separators); null when it is `directory` itself or not inside it. */
export function relativeInside(directory: string, target: string): string | null {
  const inside = relative(directory, target);
  return inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside) ? null : inside;
}
