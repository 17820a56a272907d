/** Failures of `rf bench` itself (not of the requests it sends, which are counted, not thrown). */

/** The load processes did not all get ready to start, or lost their coordinator before the start signal. */
export class LoadStartError extends Error {
  override readonly name = 'LoadStartError';
}

/** An rf worker's share of a fleet bench (`rf bench --redis`) failed there; `worker` names it. */
export class WorkerLoadError extends Error {
  override readonly name = 'WorkerLoadError';

  constructor(
    message: string,
    readonly worker: string,
  ) {
    super(message);
  }
}
