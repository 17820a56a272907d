/**
 * One tls.SecureContext per CA bundle and client certificate, shared by every
 * connection that uses them.
 *
 * Handed `ca`, `cert` or `key` as options, https.Agent makes each new
 * connection with tls.connect, which parses them into a new SecureContext when
 * it is given none: with the 144-certificate system bundle that
 * REQUESTS_CA_BUNDLE names on many machines (and with trustEnv every request's
 * `verify` then), 25-30 ms of CPU per connection. The agent also writes them
 * into its connection-pool key (getName) twice per request, a 200 KB Buffer
 * turned into a string each time (about 0.6 ms). Agents made here hold no
 * `ca`, `cert` or `key` and hand tls.connect the shared context instead.
 */
import { Agent as HttpsAgent, type AgentOptions, type RequestOptions } from 'node:https';
import type { Duplex } from 'node:stream';
import { createSecureContext, type ConnectionOptions, type SecureContext } from 'node:tls';

/** The PEM contents a context is made of: a CA bundle, a client certificate and its key. */
export interface TlsMaterial {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

/**
 * A context made on first use, then the same one. Made when the first
 * connection needs it, not before, so a pool that only ever sends http://
 * requests parses nothing; a failure (a file that is not PEM) is thrown from
 * that connection, where tls.connect would have thrown it, and again next time.
 */
export class LazySecureContext {
  private context: SecureContext | undefined;

  constructor(private readonly material: TlsMaterial) {}

  get(): SecureContext {
    this.context ??= createSecureContext(this.material);
    return this.context;
  }
}

export type CreateConnectionCallback = (error: Error | null, socket?: Duplex) => void;
export type TlsConnectionOptions = ConnectionOptions & { host?: string; port?: number; servername?: string };

/** A keep-alive https agent whose connections use `secureContext` when given (else tls.connect's default, as https.Agent's do). */
export class SharedContextAgent extends HttpsAgent {
  constructor(
    options: AgentOptions,
    private readonly secureContext: LazySecureContext | undefined,
  ) {
    super(options);
  }

  /** `options` for tls.connect, with the shared context when there is one. */
  protected withSecureContext(options: TlsConnectionOptions): TlsConnectionOptions {
    return this.secureContext === undefined ? options : { ...options, secureContext: this.secureContext.get() };
  }

  override createConnection(options: TlsConnectionOptions, callback: CreateConnectionCallback): Duplex | null | undefined {
    // https.Agent's own (TLS session reuse included), handed the context.
    return super.createConnection(this.withSecureContext(options) as RequestOptions, callback);
  }
}
