/**
 * HTTP/2 sessions for `http2: true` (got's http2 option, through http2-wrapper).
 * http2-wrapper Agents of the AgentPool's own, destroyed with it, so a closed
 * session leaves no HTTP/2 connection open (got would otherwise use
 * http2-wrapper's global agent, which nobody closes). Loaded on first use, as
 * got is (got-loader.ts).
 *
 * One agent per TLS configuration (CA bundle, client certificate): its
 * connections use that configuration's shared SecureContext
 * (shared-tls-context.ts), which http2-wrapper's session key cannot see, so
 * sessions verified against one bundle, or that presented one certificate,
 * are never handed to a request that asked for another.
 */
import type { AutoRequestOptions, Agent as Http2Agent } from 'http2-wrapper';
import type { LazySecureContext } from './shared-tls-context.js';

/** got's `request` option: http2-wrapper's auto (ALPN, then HTTP/2 or HTTP/1.1), as got calls it. */
export type Http2RequestFunction = (url: URL, options: Record<string, unknown>, callback?: (response: unknown) => void) => unknown;

export interface Http2Route {
  agent: Http2Agent;
  /** Set when the connections share a SecureContext: got has no option for one, so it goes in through `request`. */
  request?: Http2RequestFunction;
}

/**
 * Node 20 leaves an HTTP/2 session hanging when the TLS socket under it fails
 * before the server's SETTINGS (a TLS 1.3 server that refuses the client's
 * certificate after the client's handshake is done, alerting
 * CERTIFICATE_REQUIRED): the session is destroyed, but the socket, whose
 * handle the session holds, never emits 'close', so neither does the session,
 * and http2-wrapper waits for one of them to fail the requests queued on it:
 * they waited forever. A socket that has failed can only be destroyed; done
 * once the session has seen the error, it closes, and the session's 'error'
 * and 'close' follow, with that error.
 */
function closeFailedSockets(agent: Http2Agent): void {
  const connect = agent.createConnection.bind(agent);
  agent.createConnection = async (origin, options) => {
    const socket = await connect(origin, options);
    socket.once('error', () => setImmediate(() => socket.destroy()));
    return socket;
  };
}

export class Http2Agents {
  private readonly routes = new Map<string, Promise<Http2Route>>();
  private destroyed = false;

  /** @param idleTimeoutMs how long an idle HTTP/2 session stays open. */
  constructor(private readonly idleTimeoutMs: number) {}

  /** The agent for TLS configuration `tlsKey` (and its connections' context, if any), made on the first call. */
  get(tlsKey: string, secureContext: LazySecureContext | undefined): Promise<Http2Route> {
    if (this.destroyed) return Promise.reject(new Error('AgentPool was destroyed: its session is closed'));
    let route = this.routes.get(tlsKey);
    if (route === undefined) {
      route = import('http2-wrapper').then(({ default: wrapper }) => {
        const agent = new wrapper.Agent({ timeout: this.idleTimeoutMs });
        closeFailedSockets(agent);
        // Destroyed while loading: close what was just made.
        if (this.destroyed) agent.destroy();
        if (secureContext === undefined) return { agent };
        // Both of auto's connections get it: the ALPN probe and, for h2, the session's (tls.connect
        // reads secureContext; the https.RequestOptions these types extend do not list it).
        const request: Http2RequestFunction = (url, options, callback) => wrapper.auto(url, { ...options, secureContext: secureContext.get() } as AutoRequestOptions, callback);
        return { agent, request };
      });
      this.routes.set(tlsKey, route);
    }
    return route;
  }

  /** Closes every HTTP/2 session, idle or in use. */
  destroy(): void {
    this.destroyed = true;
    for (const route of this.routes.values()) void route.then(({ agent }) => agent.destroy());
  }
}
