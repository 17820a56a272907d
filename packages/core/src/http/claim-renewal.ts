/**
 * Renewal of the part claims this process holds (part-claim.ts). A claim's pid
 * can be judged only where that pid means something (process-liveness.ts'
 * livenessDomain); a writer in another container or on another machine judges
 * the claim by its lock file's mtime instead, which the owner moves forward
 * every PART_CLAIM_RENEW_MS. One timer for every held claim, unref'd: it never
 * keeps a process alive, and it stops when the last claim is released.
 */
import { lutimes } from 'node:fs/promises';

export const PART_CLAIM_RENEW_MS = 10_000;

/**
 * A claim from another domain not renewed for this long is taken over. Far
 * above the renewal period: it must outlast an NFS client's attribute cache
 * (up to 60 s by default) and some clock skew between machines.
 */
export const PART_CLAIM_STALE_MS = 90_000;

const held = new Set<string>();
let timer: NodeJS.Timeout | undefined;

export function startRenewing(lockPath: string): void {
  held.add(lockPath);
  timer ??= setInterval(() => void renewHeldClaims(), PART_CLAIM_RENEW_MS).unref();
}

export function stopRenewing(lockPath: string): void {
  held.delete(lockPath);
  if (held.size > 0 || timer === undefined) return;
  clearInterval(timer);
  timer = undefined;
}

/** Moves every held claim's mtime to now (lutimes: a lock replaced by a symlink moves nothing else's). Never throws. */
export async function renewHeldClaims(): Promise<void> {
  const now = new Date();
  await Promise.all([...held].map((lockPath) => lutimes(lockPath, now, now).catch(() => undefined)));
}
