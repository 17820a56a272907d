/**
 * The plain session: requests.Session's twin, each method an awaitable
 * Promise<Response>. Requests run in this process on the same engine the
 * executors use.
 */
import { traceSessionRequest } from '../diagnostics/request-channels.js';
import { InProcessAgents, runRequestTaskIn } from './request-engine.js';
import type { Response } from '../http/response.js';
import { standaloneTaskContext } from '../task-context.js';
import { BaseSession } from './base-session.js';
import { warnBackgroundCallbackOnce } from './deprecation.js';
import { SessionClosedError } from './errors.js';
import { buildSpec } from './merge.js';
import type { RequestOptions, SessionStateOptions } from './options.js';
import { OpenBodies } from './open-bodies.js';
import { settleOutcome } from './outcome.js';
import { SessionState } from './session-state.js';
import { methodArgument, urlArgument, validateRequestOptions } from './validate.js';

let nextTaskId = 1;

export class Session extends BaseSession<Promise<Response>> {
  readonly state: SessionState;
  /** Its keep-alive connection pools, made with the engine on the first request. */
  private readonly agents = new InProcessAgents();
  private closed = false;
  private readonly inFlight = new Map<AbortController, Promise<unknown>>();
  private readonly openBodies = new OpenBodies();

  constructor(options: SessionStateOptions = {}) {
    super();
    this.state = new SessionState(options);
  }

  request(method: string, url: string | URL, options: RequestOptions = {}): Promise<Response> {
    if (this.closed) throw new SessionClosedError('request');
    const target = urlArgument(url);
    validateRequestOptions(options);
    if (options.backgroundCallback) warnBackgroundCallbackOnce();
    const spec = buildSpec(this.state, methodArgument(method), target, options);
    const controller = new AbortController();
    const onAbort = () => controller.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
    const context = standaloneTaskContext(controller.signal, nextTaskId++);
    const run = () => runRequestTaskIn(context, spec, this, this.agents).then((outcome) => settleOutcome(this.state.cookies, outcome, this.openBodies) as Response);
    const response = (traceSessionRequest(spec.method, spec.url, options.meta, run) as Promise<Response>)
      .finally(() => {
        this.inFlight.delete(controller);
        options.signal?.removeEventListener('abort', onAbort);
      });
    this.inFlight.set(controller, response);
    return response;
  }

  /** Waits for running requests (aborts them with `{ abort: true }`), then closes pooled connections. */
  async close(options: { abort?: boolean } = {}): Promise<void> {
    this.closed = true;
    if (options.abort) for (const controller of this.inFlight.keys()) controller.abort(new Error('Session closed'));
    await Promise.allSettled(this.inFlight.values());
    this.openBodies.closeAll();
    this.agents.destroy();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
