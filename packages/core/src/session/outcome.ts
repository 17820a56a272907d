/**
 * A request task answers with the value its future resolves to (the response,
 * or what a hook replaced it with) and the Set-Cookie headers seen on the way,
 * which land in the session's jar before the future resolves.
 */
import { linkHistory } from '../http/history.js';
import type { RequestOutcome } from '../http/request-task.js';
import type { SessionCookies } from './cookies.js';
import type { OpenBodies } from './open-bodies.js';

export function settleOutcome(cookies: SessionCookies, outcome: RequestOutcome, bodies: OpenBodies): unknown {
  cookies.store(outcome.setCookies);
  linkHistory(outcome.value);
  // A streamed body from a child is claimed now, so that closing the session (or dropping the response) releases it.
  bodies.track(outcome.value);
  return outcome.value;
}
