/**
 * The FuturesSession a scenario (`rf bench --script`) receives: the engine's
 * own session, plus one request option, `name`, under which rf bench counts
 * the request ("login", "items"). A request without a name is counted as
 * `METHOD /path` (no query string, so one endpoint stays one line).
 */
import { FuturesSession, type Future, type FuturesSessionOptions, type RequestOptions, type Response } from '@requests-futures/core';
import type { NamedRequestLog } from './named-requests.js';

export interface ScenarioRequestOptions extends RequestOptions {
  /** The line this request is counted on in the report. */
  name?: string;
}

export function defaultRequestName(method: string, url: string | URL): string {
  try {
    return `${method.toUpperCase()} ${new URL(url).pathname}`;
  } catch {
    return `${method.toUpperCase()} ${String(url)}`;
  }
}

export class ScenarioSession extends FuturesSession {
  constructor(
    private readonly log: NamedRequestLog,
    options: FuturesSessionOptions,
  ) {
    super(options);
  }

  override request(method: string, url: string | URL, options: ScenarioRequestOptions = {}): Future<Response> {
    const { name, ...requestOptions } = options;
    if (name !== undefined && (typeof name !== 'string' || name === '')) {
      throw new TypeError(`rf bench --script: a request's name must be a non-empty string, got ${JSON.stringify(name)}`);
    }
    // The engine refuses bad input synchronously; only a request it accepted is tracked.
    const future = super.request(method, url, requestOptions);
    this.log.track(name ?? defaultRequestName(method, url), future);
    return future;
  }
}
