/**
 * The task a session submits for every request: performRequest, then the
 * response hooks, then the (deprecated) background callback, as
 * requests-futures runs them in the worker. A child process imports this
 * module by fnRef, so it imports only the engine, nothing of sessions or
 * executors.
 */
import { isFnRef, loadFnRef } from '@requests-futures/serializer';
import { runInTaskContext, taskWithContext, type TaskContext } from '../task-context.js';
import { runInTravellingContexts } from '../context/enter-contexts.js';
import type { AgentPool } from './agents.js';
import { packOutcome, type PackedOutcome } from './outcome-crossing.js';
import { performRequest } from './request.js';
import { specFromCrossing, type CrossingSpec, type HookFn, type RequestSpec } from './request-spec.js';
import type { Response, SetCookieRecord } from './response.js';
import { exportBody } from './streamed-body.js';

export interface RequestOutcome {
  /** The response, or whatever a hook or the background callback replaced it with. */
  value: unknown;
  /**
   * Every Set-Cookie seen along the redirect chain, kept apart from `value`
   * because a hook may replace the response with something that has none.
   */
  setCookies: SetCookieRecord[];
}

export interface RequestTaskOptions {
  agents?: AgentPool;
}

/** requests passes these keyword arguments to every response hook. */
export interface HookContext {
  timeout: RequestSpec['timeout'];
  verify: RequestSpec['verify'];
  proxies: RequestSpec['proxies'];
  stream: boolean;
}

async function resolveHook(hook: HookFn, where: string): Promise<(...args: any[]) => unknown> {
  if (isFnRef(hook)) return loadFnRef(hook);
  if (typeof hook === 'function') return hook;
  throw new TypeError(`${where} must be a function or an fnRef, got ${hook === null ? 'null' : typeof hook}`);
}

/**
 * The request task, given its task context directly rather than through
 * AsyncLocalStorage (see task-context.ts); hooks, which may call
 * currentTask(), still run in it. requests dispatches the response hooks on
 * every response of a redirect chain as it arrives (Session.send, then
 * resolve_redirects), and keeps what they return in `history`: the engine
 * hands each redirect response to `onRedirect` before it follows it.
 */
export function runRequestTaskIn(context: TaskContext, spec: RequestSpec, session?: unknown, options: RequestTaskOptions = {}): Promise<RequestOutcome> {
  return runInTravellingContexts(spec.contexts, () => runRequest(context, spec, session, options));
}

async function runRequest(context: TaskContext, spec: RequestSpec, session: unknown, options: RequestTaskOptions): Promise<RequestOutcome> {
  // Most requests have neither hooks nor a background callback: no closures or hook context for them.
  if (spec.hooks.response.length === 0 && spec.backgroundCallback === null) {
    const response = await performRequest(spec, context, options);
    exportBody(response, response, context);
    return { value: response, setCookies: response.setCookies };
  }
  const inContext = <T>(fn: () => Promise<T>): Promise<T> => runInTaskContext(context, fn);
  const hooks = spec.hooks.response.length > 0 ? await resolveResponseHooks(spec) : [];
  const hookContext = hookContextOf(spec);
  const onRedirect = hooks.length > 0 ? (redirect: Response) => inContext(() => dispatchHooks(hooks, redirect, hookContext)) : undefined;
  const response = await performRequest(spec, context, { ...options, ...(onRedirect ? { onRedirect } : {}) });
  const value = await inContext(() => finalCallbacks(hooks, hookContext, response, spec, session));
  exportBody(response, value, context);
  return { value, setCookies: response.setCookies };
}

/**
 * What a child imports by fnRef: runRequestTaskIn, handed the context by the
 * executor, the spec as it crossed (request-spec.ts specForCrossing), its outcome packed for the way back (outcome-crossing.ts).
 */
export const runRequestTask = taskWithContext(async (context: TaskContext, crossing: CrossingSpec, session?: unknown, options?: RequestTaskOptions): Promise<PackedOutcome> => {
  const spec = specFromCrossing(crossing);
  return packOutcome(await runRequestTaskIn(context, spec, session, options), spec);
});

type ResponseHook = (...args: any[]) => unknown;

function resolveResponseHooks(spec: RequestSpec): Promise<ResponseHook[]> {
  return Promise.all(spec.hooks.response.map((hook, index) => resolveHook(hook, `hooks.response[${index}]`)));
}

function hookContextOf(spec: RequestSpec): HookContext {
  return {
    timeout: spec.timeout,
    verify: spec.verify,
    proxies: spec.proxies,
    stream: spec.stream,
  };
}

/** The final response's hooks, then the (deprecated) background callback. */
async function finalCallbacks(hooks: readonly ResponseHook[], context: HookContext, response: Response, spec: RequestSpec, session: unknown): Promise<unknown> {
  let value = await dispatchHooks(hooks, response, context);
  if (spec.backgroundCallback !== null) {
    const callback = await resolveHook(spec.backgroundCallback, 'backgroundCallback');
    // In a pool child the session stayed in the coordinator: the callback reads a view of it.
    const returned = await callback(session ?? (await sessionViewOf(spec, response)), value);
    if (returned !== undefined) value = returned;
  }
  return value;
}

/** A view of the coordinator's session for a background callback (session-view.ts, loaded on first use: few requests have one). */
async function sessionViewOf(spec: RequestSpec, response: Response): Promise<unknown> {
  const { SessionView } = await import('./session-view.js');
  return SessionView.of(spec, response.setCookies);
}

/** requests' dispatch_hook: a hook that returns something replaces the response for the next ones. */
async function dispatchHooks(hooks: readonly ResponseHook[], response: unknown, context: HookContext): Promise<unknown> {
  let value = response;
  for (const fn of hooks) {
    const returned = await fn(value, context);
    if (returned !== undefined) value = returned;
  }
  return value;
}
