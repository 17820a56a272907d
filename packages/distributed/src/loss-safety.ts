/**
 * Whether a task may run again on another worker after its worker was lost
 * mid-job. Only the engine's own request task is understood: an idempotent
 * method (RFC 9110 §9.2.2) whose body, if saved, is resumable or not saved at
 * all. Any other task might have had effects and is never re-run.
 */
import { crossingSpecOf } from '@requests-futures/core/executor-kit';
import type { FnRef } from '@requests-futures/serializer';

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

export function isRequestTask(fn: FnRef): boolean {
  return fn.exportName === 'runRequestTask' && /(?:\/http\/request-task\.js|\/rf-request-task\.mjs)$/.test(new URL(fn.moduleUrl).pathname);
}

export function retrySafe(fn: FnRef, args: readonly unknown[]): boolean {
  if (!isRequestTask(fn)) return false;
  const spec = crossingSpecOf(args[0]) as { method?: unknown; saveTo?: unknown; resume?: unknown } | undefined;
  if (typeof spec !== 'object' || spec === null || typeof spec.method !== 'string') return false;
  if (!IDEMPOTENT.has(spec.method.toUpperCase())) return false;
  return !spec.saveTo || spec.resume === true;
}
