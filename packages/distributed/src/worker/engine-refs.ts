/**
 * The coordinator names the engine's request task by its own file URL, which
 * means nothing on another machine (or in the bundled `rf`, where the engine
 * is one file). A worker runs its own copy of that task instead: same package
 * versions are required anyway (envelope.ts refuses other versions).
 */
import { fnRef, type FnRef } from '@requests-futures/serializer';
import { isRequestTask } from '../loss-safety.js';

// scripts/bundle.mjs in packages/cli rewrites this line for the bundled rf.
const LOCAL_REQUEST_TASK = fnRef(new URL('../../../core/dist/http/request-task.js', import.meta.url), 'runRequestTask');

export function localFnRef(fn: FnRef): FnRef {
  return isRequestTask(fn) ? LOCAL_REQUEST_TASK : fn;
}
