/**
 * Proxies, as requests' `proxies` mapping selects them: an http:// target
 * goes to an HTTP proxy in absolute form; an https:// target goes through a
 * CONNECT tunnel, and TLS runs end to end inside it.
 */
import { request as httpRequest, type ClientRequest, type RequestOptions } from 'node:http';
import type { AgentOptions } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import { basicAuthHeader } from './auth.js';
import { InvalidURL, ProxyError } from './errors.js';
import { SharedContextAgent, type CreateConnectionCallback, type LazySecureContext, type TlsConnectionOptions } from './shared-tls-context.js';

/** requests' select_proxy: the most specific key wins. */
export function selectProxy(target: string, proxies: Record<string, string> | null | undefined): URL | null {
  if (!proxies) return null;
  const url = new URL(target);
  const scheme = url.protocol.slice(0, -1);
  const keys = [`${scheme}://${url.hostname}`, scheme, `all://${url.hostname}`, 'all'];
  for (const key of keys) {
    const value = proxies[key];
    if (value) return parseProxyUrl(value, key);
  }
  return null;
}

function parseProxyUrl(value: string, key: string): URL {
  // requests accepts a proxy without a scheme and assumes http://.
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch (error) {
    throw new InvalidURL(`Invalid proxy URL for '${key}': '${value}'`, { cause: error });
  }
  if (url.protocol !== 'http:') {
    throw new InvalidURL(`Unsupported proxy scheme for '${key}': '${value}' (only http:// proxies are supported)`);
  }
  return url;
}

export function proxyAuthorization(proxy: URL): string | undefined {
  if (proxy.username === '' && proxy.password === '') return undefined;
  return basicAuthHeader(decodeURIComponent(proxy.username), decodeURIComponent(proxy.password));
}

function proxyPort(proxy: URL): number {
  return Number(proxy.port || 80);
}

/**
 * got's `request` option for an http:// target: the same request, sent to
 * the proxy with the full URL as its path and the target as its Host.
 */
export function viaHttpProxy(proxy: URL): (url: URL, options: RequestOptions) => ClientRequest {
  const authorization = proxyAuthorization(proxy);
  return (url, options) => {
    const headers: Record<string, unknown> = { ...(options.headers as Record<string, unknown>) };
    headers.host ??= url.host;
    if (authorization) headers['proxy-authorization'] = authorization;
    return httpRequest({
      ...options,
      protocol: 'http:',
      host: proxy.hostname,
      hostname: proxy.hostname,
      port: proxyPort(proxy),
      path: url.href,
      headers: headers as RequestOptions['headers'],
    });
  };
}

/** A keep-alive https agent whose sockets are TLS over a CONNECT tunnel through `proxy`. */
export class TunnelingAgent extends SharedContextAgent {
  constructor(
    readonly proxy: URL,
    options: AgentOptions,
    secureContext?: LazySecureContext,
  ) {
    super(options, secureContext);
  }

  override createConnection(options: TlsConnectionOptions, callback: CreateConnectionCallback): undefined {
    // Before the CONNECT: a context that cannot be made throws here, as a direct connection's would, not in the 'connect' listener.
    const tlsOptions = this.withSecureContext(options);
    const target = `${options.host}:${options.port ?? 443}`;
    const authorization = proxyAuthorization(this.proxy);
    const connectRequest = httpRequest({
      host: this.proxy.hostname,
      port: proxyPort(this.proxy),
      method: 'CONNECT',
      path: target,
      headers: { host: target, ...(authorization ? { 'proxy-authorization': authorization } : {}) },
      agent: false,
    });
    connectRequest.once('connect', (response, socket) => {
      if (response.statusCode !== 200) {
        socket.destroy();
        callback(new ProxyError(`Tunnel connection failed: ${response.statusCode} ${response.statusMessage ?? ''} (proxy ${this.proxy.host}, target ${target})`));
        return;
      }
      const secure = tlsConnect({ ...tlsOptions, socket, servername: options.servername ?? (options.host && !/^[\d.]+$|:/.test(options.host) ? options.host : undefined) });
      callback(null, secure);
    });
    connectRequest.once('error', (error) => callback(error));
    connectRequest.end();
    return undefined;
  }
}
