/**
 * HTTP/2 sessions for `http2: true` (got's http2 option, through http2-wrapper).
 * One http2-wrapper Agent per AgentPool: it keys its sessions by origin and TLS
 * options itself, and is destroyed with the pool, so a closed session leaves no
 * HTTP/2 connection open (got would otherwise use http2-wrapper's global agent,
 * which nobody closes). Loaded on first use, as got is (got-loader.ts).
 */
import type { Agent as Http2Agent } from 'http2-wrapper';

export class Http2Agents {
  private agent: Promise<Http2Agent> | undefined;
  private destroyed = false;

  /** @param idleTimeoutMs how long an idle HTTP/2 session stays open. */
  constructor(private readonly idleTimeoutMs: number) {}

  /** The pool's agent, created on the first call. */
  get(): Promise<Http2Agent> {
    if (this.destroyed) return Promise.reject(new Error('AgentPool was destroyed: its session is closed'));
    this.agent ??= import('http2-wrapper').then(({ default: wrapper }) => {
      const agent = new wrapper.Agent({ timeout: this.idleTimeoutMs });
      // Destroyed while loading: close what was just made.
      if (this.destroyed) agent.destroy();
      return agent;
    });
    return this.agent;
  }

  /** Closes every HTTP/2 session, idle or in use. */
  destroy(): void {
    this.destroyed = true;
    void this.agent?.then((agent) => agent.destroy());
  }
}
