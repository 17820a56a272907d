/**
 * A request task answers with the value its future resolves to (the response,
 * or what a hook replaced it with) and the Set-Cookie headers seen on the way,
 * which land in the session's jar before the future resolves.
 */
import { linkHistory } from '../http/history.js';
import type { RequestOutcome } from '../http/request-task.js';
import type { SessionCookies } from './cookies.js';

export function settleOutcome(cookies: SessionCookies, outcome: RequestOutcome): unknown {
  cookies.store(outcome.setCookies);
  linkHistory(outcome.value);
  return outcome.value;
}
