/**
 * requests' should_bypass_proxies and resolve_proxies, as pure functions of a
 * URL and the settings the coordinator shipped in the spec: the engine never
 * reads the environment (a child's may differ from the coordinator's).
 */
import { BlockList, isIPv4 } from 'node:net';

/** requests' is_valid_cidr: an IPv4 network with a mask of 1 to 32 bits. */
function ipv4Network(entry: string): { address: string; prefix: number } | null {
  const match = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(entry);
  if (!match || !isIPv4(match[1]!)) return null;
  const prefix = Number(match[2]);
  return prefix >= 1 && prefix <= 32 ? { address: match[1]!, prefix } : null;
}

function inNetwork(address: string, network: { address: string; prefix: number }): boolean {
  const list = new BlockList();
  list.addSubnet(network.address, network.prefix, 'ipv4');
  return list.check(address, 'ipv4');
}

/** urllib's proxy_bypass_environment: `*`, or the host (with or without its port) in a listed domain. */
function bypassedByDomain(hostname: string, hostWithPort: string, noProxy: string): boolean {
  if (noProxy === '*') return true;
  for (const raw of noProxy.split(',')) {
    const name = raw.trim().replace(/^\.+/, '').toLowerCase();
    if (!name) continue;
    if (hostname === name || hostWithPort === name) return true;
    if (hostname.endsWith(`.${name}`) || hostWithPort.endsWith(`.${name}`)) return true;
  }
  return false;
}

/**
 * requests' should_bypass_proxies with `noProxy` (the proxies' `no_proxy`, else
 * NO_PROXY / no_proxy as the coordinator saw it): an IPv4 host in a listed
 * network or equal to a listed address; any other host whose name, or
 * name:port, ends with a listed entry; and urllib's domain rules.
 */
export function shouldBypassProxies(target: URL, noProxy: string | null | undefined): boolean {
  const hostname = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (!hostname) return true;
  if (!noProxy) return false;
  const entries = noProxy.replace(/ /g, '').split(',').filter(Boolean);
  if (isIPv4(hostname)) {
    for (const entry of entries) {
      const network = ipv4Network(entry);
      if (network ? inNetwork(hostname, network) : hostname === entry) return true;
    }
  } else {
    const withPort = target.port ? `${hostname}:${target.port}` : hostname;
    if (entries.some((entry) => hostname.endsWith(entry) || withPort.endsWith(entry))) return true;
  }
  return bypassedByDomain(hostname, target.port ? `${hostname}:${target.port}` : hostname, noProxy);
}

/** The environment's proxies as the coordinator resolved them: `http`, `https`, `all`..., and `no` (NO_PROXY). */
export type EnvironmentProxies = Record<string, string>;

/**
 * requests' resolve_proxies, run for every hop: the request's proxies, plus the
 * environment's proxy for the hop's scheme (or `all`) when the hop's host is
 * not exempt. Without environment proxies (trustEnv off) the proxies as given.
 */
export function resolveProxies(target: string, proxies: Record<string, string> | null | undefined, environment: EnvironmentProxies | null | undefined): Record<string, string> | null {
  if (!environment) return proxies ?? null;
  const url = new URL(target);
  const noProxy = proxies?.no_proxy ?? environment.no ?? null;
  if (shouldBypassProxies(url, noProxy)) return proxies ?? null;
  const scheme = url.protocol.slice(0, -1);
  const proxy = environment[scheme] ?? environment.all;
  if (!proxy || proxies?.[scheme] !== undefined) return proxies ?? null;
  return { ...proxies, [scheme]: proxy };
}
