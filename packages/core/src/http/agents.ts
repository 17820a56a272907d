/**
 * Keep-alive connection pools, like requests' HTTPAdapter: one http and one
 * https agent per (pool size, TLS settings), so requests to the same origin
 * reuse sockets. A session owns an AgentPool and destroys it on close; a
 * child process uses the module-level default pool for its whole life.
 */
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { SSLError } from './errors.js';
import { Http2Agents, type Http2Route } from './http2-agents.js';
import { closeIdleSocketsAfter } from './idle-sockets.js';
import { TunnelingAgent } from './proxy.js';
import type { ClientCert, PoolOptions } from './request-spec.js';
import { LazySecureContext, SharedContextAgent, type TlsMaterial } from './shared-tls-context.js';

/**
 * Idle sockets are closed before Node's http server drops them (its
 * keepAliveTimeout is 5 s), so a reused socket is rarely one the server has
 * just closed.
 */
const FREE_SOCKET_TIMEOUT_MS = 4_000;

export interface Agents {
  http: HttpAgent;
  https: HttpsAgent;
}

export class AgentPool {
  private readonly httpAgents = new Map<string, HttpAgent>();
  /** By pool size, verify, proxy and client certificate: the http agent (shared by pool size) and an https agent of its own. */
  private readonly agentSets = new Map<string, Agents>();
  private readonly pemFiles = new Map<string, Buffer>();
  /** By verify and client certificate: shared by the https agents of every pool size and proxy (shared-tls-context.ts). */
  private readonly secureContexts = new Map<string, LazySecureContext>();
  private destroyed = false;
  /** The agents the last request without proxy or client certificate got, and what it asked for. */
  private lastDirect: { maxSize: number; block: boolean; verify: boolean | string; agents: Agents } | undefined;
  /** For `http2: true`: HTTP/2 sessions (ALPN picks HTTP/1.1 where the server offers no h2). */
  private readonly http2 = new Http2Agents(FREE_SOCKET_TIMEOUT_MS);

  /**
   * The agents for one request's pool size, `verify` (true, false or a CA
   * bundle path) and proxy. Through a proxy, http:// requests share the plain
   * agent (it pools by the proxy's address); https:// ones get a tunnelling agent.
   */
  agentsFor(pool: PoolOptions, verify: boolean | string, proxy: URL | null, cert: ClientCert | null): Agents {
    if (this.destroyed) throw new Error('AgentPool was destroyed: its session is closed');
    // Nearly every request of a process asks for the same agents as the one before: no key to build then.
    const last = this.lastDirect;
    if (proxy === null && cert === null && last !== undefined && last.maxSize === pool.maxSize && last.block === pool.block && last.verify === verify) return last.agents;
    const agents = this.agentsByKey(pool, verify, proxy, cert);
    if (proxy === null && cert === null) this.lastDirect = { maxSize: pool.maxSize, block: pool.block, verify, agents };
    return agents;
  }

  private agentsByKey(pool: PoolOptions, verify: boolean | string, proxy: URL | null, cert: ClientCert | null): Agents {
    const { maxSize: poolSize, block } = pool;
    // urllib3's pool_block: true waits for one of poolSize sockets; false opens more when all are
    // busy and keeps only poolSize of them idle afterwards (the rest are closed once done).
    const sizing = { maxSockets: block ? poolSize : Infinity, maxFreeSockets: poolSize };
    const httpKey = `${poolSize}|${block}`;
    let http = this.httpAgents.get(httpKey);
    if (!http) {
      http = closeIdleSocketsAfter(new HttpAgent({ keepAlive: true, ...sizing }), FREE_SOCKET_TIMEOUT_MS);
      this.httpAgents.set(httpKey, http);
    }
    const tlsKey = tlsKeyOf(verify, cert);
    const key = `${httpKey}|${tlsKey}|${proxy?.href ?? ''}`;
    let agents = this.agentSets.get(key);
    if (!agents) {
      const options = { keepAlive: true, ...sizing, rejectUnauthorized: verify !== false };
      const secureContext = this.secureContextFor(tlsKey, verify, cert);
      // Without a context, Node's own agent: http2-wrapper reuses its ALPN probe's socket only on an agent whose createConnection is https.Agent's.
      const https = proxy ? new TunnelingAgent(proxy, options, secureContext) : secureContext ? new SharedContextAgent(options, secureContext) : new HttpsAgent(options);
      // One object per configuration: got-instance.ts keeps a got instance per Agents it sees.
      agents = { http, https: closeIdleSocketsAfter(https, FREE_SOCKET_TIMEOUT_MS) };
      this.agentSets.set(key, agents);
    }
    return agents;
  }

  /**
   * For `http2: true`: the HTTP/2 agent for `verify` and the client certificate, whose connections
   * share the https agents' context for them (so the certificate is presented over HTTP/2 too, and
   * a session that presented one is never handed to a request without it).
   */
  http2For(verify: boolean | string, cert: ClientCert | null): Promise<Http2Route> {
    const tlsKey = tlsKeyOf(verify, cert);
    return this.http2.get(tlsKey, this.secureContextFor(tlsKey, verify, cert));
  }

  /**
   * The context for a CA bundle and client certificate, undefined for neither (tls.connect's
   * default then). Their files are read now, so that a missing one is the SSLError it always
   * was, raised by the request that names it (an http:// one too); they are parsed only when
   * the first connection needs them.
   */
  private secureContextFor(tlsKey: string, verify: boolean | string, cert: ClientCert | null): LazySecureContext | undefined {
    const material: TlsMaterial = {
      ...(typeof verify === 'string' ? { ca: this.caBundle(verify) } : {}),
      ...(cert !== null ? this.clientCert(cert) : {}),
    };
    if (material.ca === undefined && material.cert === undefined) return undefined;
    let context = this.secureContexts.get(tlsKey);
    if (!context) {
      context = new LazySecureContext(material);
      this.secureContexts.set(tlsKey, context);
    }
    return context;
  }

  /** The CA bundle at `path`, read once per pool. */
  private caBundle(path: string): Buffer {
    return this.pemFile(path, 'Could not find a suitable TLS CA certificate bundle');
  }

  /**
   * requests' `cert`: one PEM file holding the certificate and its key, or
   * [certificate file, key file]; read once per pool.
   */
  private clientCert(cert: ClientCert): { cert: Buffer; key: Buffer } {
    const [certPath, keyPath] = typeof cert === 'string' ? [cert, cert] : cert;
    return {
      cert: this.pemFile(certPath, 'Could not find the TLS certificate file'),
      key: this.pemFile(keyPath, 'Could not find the TLS key file'),
    };
  }

  private pemFile(path: string, problem: string): Buffer {
    let contents = this.pemFiles.get(path);
    if (!contents) {
      try {
        contents = readFileSync(path);
      } catch (error) {
        throw new SSLError(`${problem}, invalid path: ${path}`, { cause: error });
      }
      this.pemFiles.set(path, contents);
    }
    return contents;
  }

  /** Closes every socket, idle or in use. */
  destroy(): void {
    this.destroyed = true;
    this.http2.destroy();
    for (const agent of this.httpAgents.values()) agent.destroy();
    for (const { https } of this.agentSets.values()) https.destroy();
    this.httpAgents.clear();
    this.agentSets.clear();
    this.secureContexts.clear();
    this.lastDirect = undefined;
  }
}

/** What a connection's TLS is made of: `verify` (true, false or a CA bundle path) and the client certificate. */
function tlsKeyOf(verify: boolean | string, cert: ClientCert | null): string {
  return `${typeof verify === 'string' ? `ca:${verify}` : String(verify)}|${cert === null ? '' : JSON.stringify(cert)}`;
}

/** Used when no pool is passed: in a child process, for the life of the process. */
export const defaultAgentPool = new AgentPool();
