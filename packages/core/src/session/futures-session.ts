/**
 * FuturesSession: every request returns a Future<Response> at once and runs on
 * an executor — in this process (ThreadPoolExecutor, the default) or in child
 * processes (ProcessPoolExecutor), where the request spec travels by value and
 * the engine by fnRef, as Python pickles session.request.
 */
import { encodeAhead, fnRef } from '@requests-futures/serializer';
import { captureRegisteredContexts } from '../context/registered-contexts.js';
import { traceRequest, type RequestTrace } from '../diagnostics/request-channels.js';
import { taskWithContext } from '../task-context.js';
import type { Executor } from '../executors/executor.js';
import { assertKnownOptions } from '../executors/option-names.js';
import { RenewingSet } from '../executors/renewing-collections.js';
import { ThreadPoolExecutor } from '../executors/thread-pool.js';
import { addDoneWaiter, type Future, type IteratedFuture } from '../futures/future.js';
import { timeoutToMs } from '../futures/timeout.js';
import { assertDataCanTravel } from '../http/body-source.js';
import { specForCrossing, type CrossingSpec, type RequestSpec } from '../http/request-spec.js';
import { plainSpecForm, type PlainSpecForm } from '../http/spec-wire.js';
import { unpackOutcome, type PackedOutcome } from '../http/outcome-crossing.js';
import type { RequestOutcome } from '../http/request-task.js';
import { InProcessAgents, runRequestTaskIn } from './request-engine.js';
import type { Response } from '../http/response.js';
import { BaseSession } from './base-session.js';
import { warnBackgroundCallbackOnce } from './deprecation.js';
import { SessionClosedError } from './errors.js';
import { FUTURES_SESSION_OPTION_NAMES } from './futures-session-option-names.js';
import { HostLimiter, originOf } from './host-limiter.js';
import { mapRequests, type MapInput, type MapRequestsOptions } from './map-requests.js';
import { buildSpec, specPartsToCheck } from './merge.js';
import { OrphanedPartSweeper } from './orphaned-parts.js';
import type { CloseOptions, FuturesSessionOptions, RequestOptions } from './options.js';
import { OpenBodies } from './open-bodies.js';
import { offerStreamedBodies } from './upload-bodies.js';
import { settleOutcome } from './outcome.js';
import { SessionState } from './session-state.js';
import { methodArgument, urlArgument, validatePositiveInteger, validateRequestOptions } from './validate.js';

/** The engine as a child process imports it. */
const REQUEST_TASK_REF = fnRef(new URL('../http/request-task.js', import.meta.url), 'runRequestTask');

export class FuturesSession extends BaseSession<Future<Response>> {
  readonly state: SessionState;
  readonly executor: Executor;
  /** Sockets of requests run in this process, made on the first (request-engine.ts); a child process keeps its own. */
  private readonly agents = new InProcessAgents();
  readonly maxQueued: number;
  /** Requests per origin in flight at most (null: no limit). */
  readonly perHostLimit: number | null;
  private readonly ownsExecutor: boolean;
  private readonly hosts: HostLimiter | undefined;
  private readonly sweeper: OrphanedPartSweeper;
  /** Renewing: every request's future passes through it (executors/renewing-collections.ts says why). */
  private readonly outstanding = new RenewingSet<Future<unknown>>();
  /** Unread bodies of stream: true responses, released by close(). */
  private readonly openBodies = new OpenBodies();
  private closing: Promise<void> | null = null;

  /** @throws TypeError for an unknown option name (naming the closest known one, e.g. `timout` → `timeout`). */
  constructor(options: FuturesSessionOptions = {}) {
    super();
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`FuturesSession: options must be an object, got ${options === null ? 'null' : typeof options}`);
    }
    assertKnownOptions(options, FUTURES_SESSION_OPTION_NAMES, 'FuturesSession');
    validatePositiveInteger(options.maxWorkers, 'maxWorkers');
    validatePositiveInteger(options.maxQueued, 'maxQueued');
    validatePositiveInteger(options.perHostLimit, 'perHostLimit');
    this.ownsExecutor = options.executor === undefined;
    this.executor = options.executor ?? new ThreadPoolExecutor({ maxWorkers: options.maxWorkers });
    const concurrency = this.executor.capacity;
    this.state = (options.session?.state as SessionState | undefined) ?? new SessionState(options, concurrency);
    this.maxQueued = options.maxQueued ?? 2 * concurrency;
    this.perHostLimit = options.perHostLimit ?? null;
    this.hosts = options.perHostLimit === undefined ? undefined : new HostLimiter(options.perHostLimit);
    this.sweeper = new OrphanedPartSweeper(this.executor);
  }

  get closed(): boolean {
    return this.closing !== null;
  }

  request(method: string, url: string | URL, options: RequestOptions = {}): Future<Response> {
    return this.requestThrough(this.hosts, method, url, options);
  }

  /** request(), with the per-origin limiter to hold it in (undefined: none). */
  private requestThrough(hosts: HostLimiter | undefined, method: string, url: string | URL, options: RequestOptions): Future<Response> {
    if (this.closing) throw new SessionClosedError('request');
    const target = urlArgument(url);
    validateRequestOptions(options);
    if (options.backgroundCallback) warnBackgroundCallbackOnce();
    const spec = buildSpec(this.state, methodArgument(method), target, options);
    // Refuse what cannot travel now, before the request may be held for its host. That
    // walk is the spec's only one: the executor's encode() reuses its wire.
    let withdrawBodies: (() => void) | undefined;
    let crossing: CrossingSpec | PlainSpecForm | undefined;
    if (this.executor.crossesProcesses) {
      if (this.executor.streamsUploads === true) withdrawBodies = offerStreamedBodies(spec);
      else assertDataCanTravel(spec.data);
      const contexts = captureRegisteredContexts();
      if (contexts !== undefined) spec.contexts = contexts;
      crossing = specForCrossing(spec);
      // A plain spec in its own form (spec-wire.ts), checked and copied now; anything else walks.
      const partsToCheck = specPartsToCheck(spec);
      const form = plainSpecForm(crossing, partsToCheck);
      if (form !== undefined) {
        crossing = form;
      } else {
        try {
          encodeAhead(crossing, { rootPath: '', checkOnly: partsToCheck });
        } catch (error) {
          withdrawBodies?.();
          throw error;
        }
      }
    }
    const trace = traceRequest(spec.method, spec.url, this.executor, options.meta);
    const future = hosts ? hosts.run(originOf(spec.url), () => this.submit(spec, crossing, trace)) : this.submit(spec, crossing, trace);
    trace?.settlesWith(future);
    if (withdrawBodies !== undefined) future.addDoneCallback(withdrawBodies);
    if (options.meta !== undefined) future.meta = options.meta;
    this.linkSignal(future, options.signal);
    this.track(future);
    return future;
  }

  /**
   * Requests for many inputs, pulled lazily from any (async) iterable: at most
   * `maxQueued` inputs are pulled and not yet yielded, and each future is
   * yielded as it completes (`ordered: true`: in input order). With
   * `perHostLimit` (default: the session's) at most N are in flight per origin;
   * inputs of a saturated host wait aside while other hosts go ahead.
   */
  map(inputs: Iterable<MapInput> | AsyncIterable<MapInput>, options: MapRequestsOptions = {}): AsyncIterableIterator<IteratedFuture<Future<Response>>> {
    if (this.closing) throw new SessionClosedError('map');
    const { perHostLimit } = options;
    if (perHostLimit !== null) validatePositiveInteger(perHostLimit, 'perHostLimit');
    // The session's limiter holds every request at the session's limit; a map with a limit of its own adds one, nested in it.
    const hosts = perHostLimit === undefined || perHostLimit === null || perHostLimit === this.perHostLimit ? this.hosts : new HostLimiter(perHostLimit, this.hosts);
    const requester = { request: (method: string, url: string, requestOptions: RequestOptions = {}) => this.requestThrough(hosts, method, url, requestOptions) };
    return mapRequests(requester, inputs, { ...options, maxQueued: options.maxQueued ?? this.maxQueued });
  }

  /**
   * Cancels requests that have not started (unless `cancelFutures: false`),
   * waits for running ones (aborts them with `abort: true`), then shuts down
   * the executor if this session created it. With `abort: true` it returns
   * within about `grace` seconds (default 5) + 1, whatever a hook does.
   */
  close(options: CloseOptions = {}): Promise<void> {
    this.closing ??= this.shutDown(options);
    return this.closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** `crossing`: the spec as it travels to a child (request() checked and encoded it); undefined in-process. */
  private submit(spec: RequestSpec, crossing: CrossingSpec | PlainSpecForm | undefined, trace: RequestTrace | undefined): Future<Response> {
    let future: Future<RequestOutcome>;
    if (crossing !== undefined) {
      const packed = this.executor.submit<PackedOutcome>(REQUEST_TASK_REF, crossing);
      this.sweeper.track(packed, spec);
      future = packed.mapResult((outcome) => unpackOutcome(outcome, spec));
    } else {
      const agents = this.agents;
      future = this.executor.submit(taskWithContext((context, s: RequestSpec) => runRequestTaskIn(context, s, this, agents)), spec);
    }
    trace?.queued(future);
    const cookies = this.state.cookies;
    const bodies = this.openBodies;
    return future.mapResult((outcome) => settleOutcome(cookies, outcome, bodies) as Response);
  }

  private linkSignal(future: Future<unknown>, signal: AbortSignal | undefined): void {
    if (!signal) return;
    if (signal.aborted) {
      future.abort(signal.reason);
      return;
    }
    const onAbort = () => future.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    future.addDoneCallback(() => signal.removeEventListener('abort', onAbort));
  }

  private track(future: Future<unknown>): void {
    // Already settled (an aborted signal): nothing to wait for at close().
    if (future.done()) return;
    this.outstanding.add(future);
    // A done waiter: internal bookkeeping needs no caller's context captured (an AsyncResource per request).
    addDoneWaiter(future, () => this.outstanding.delete(future));
  }

  private async shutDown({ abort = false, cancelFutures = true, grace }: CloseOptions): Promise<void> {
    // Refused before anything is cancelled, not after the requests were aborted.
    timeoutToMs(grace, 'close({ grace })');
    const mine = [...this.outstanding];
    if (cancelFutures) for (const future of mine) future.cancel();
    if (abort) for (const future of mine) future.abort(new SessionClosedError('close'));
    await Promise.allSettled(mine.map((future) => future.exception()));
    this.openBodies.closeAll();
    if (this.ownsExecutor) await this.executor.shutdown({ wait: true, cancelFutures, abort, grace });
    this.sweeper.dispose();
    this.agents.destroy();
  }
}
