/**
 * requests' get_netrc_auth: credentials for a URL's host from the file named
 * by NETRC, else ~/.netrc or ~/_netrc, parsed as Python's netrc module does
 * (machine / default entries; login, account, password; macdef bodies
 * skipped). A file that cannot be read or parsed gives no credentials, as in
 * requests. Read in the coordinator for a request's first URL, and where the
 * request runs for a redirect's (requests' rebuild_auth), with the
 * coordinator's NETRC and HOME; a parsed file is reused until its mtime or
 * size changes, and each candidate is stat'ed at most once a second.
 */
import { readFileSync, statSync, type Stats } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

interface NetrcEntry {
  login: string;
  account: string;
  password: string;
}

/** What of the environment finds the netrc file: travels in the spec, so a pool child reads the coordinator's file. */
export interface NetrcEnvironment {
  readonly NETRC?: string | undefined;
  readonly HOME?: string | undefined;
}

type Environment = NetrcEnvironment;

export function netrcEnvironmentOf(env: Readonly<Record<string, string | undefined>>): NetrcEnvironment {
  // Each read once: a process.env read is a getenv.
  const { NETRC, HOME } = env;
  // Assigned rather than spread from two object literals: this runs for nearly every request.
  const found: { NETRC?: string; HOME?: string } = {};
  if (NETRC !== undefined) found.NETRC = NETRC;
  if (HOME !== undefined) found.HOME = HOME;
  return found;
}

const DEFAULT_NAMES = ['.netrc', '_netrc'];

function expandUser(path: string, env: Environment): string {
  return path === '~' || path.startsWith('~/') ? join(env.HOME || homedir(), path.slice(1)) : path;
}

/** Without an exception for a missing file: most machines have no netrc, and this runs per request. */
function statOrNull(path: string): Stats | null {
  try {
    return statSync(path, { throwIfNoEntry: false }) ?? null;
  } catch {
    return null;
  }
}

/** How long a stat of a netrc candidate is trusted: an edit is seen within this. */
const STAT_REUSE_MS = 1_000;
const recentStats = new Map<string, { at: number; stats: Stats | null }>();

/**
 * statOrNull, asked at most once a second per path. A synchronous stat of two
 * candidates on every request was 1.9 % of rf download's main thread on 5,000
 * small files, and it blocks the event loop on a slow home directory.
 */
function recentStat(path: string, now: number): Stats | null {
  const known = recentStats.get(path);
  if (known !== undefined && now - known.at < STAT_REUSE_MS) return known.stats;
  const stats = statOrNull(path);
  recentStats.set(path, { at: now, stats });
  return stats;
}

/** Python's netrc lexer: whitespace-separated words, `"quoted words"`, `#` comments to the end of the line. */
function* tokens(text: string): Generator<{ word: string; lineEnd: number }> {
  const pattern = /"((?:[^"\\]|\\.)*)"|(#[^\n]*)|(\S+)/g;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    if (match[2] !== undefined) continue;
    const word = match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[3]!;
    const lineEnd = text.indexOf('\n', pattern.lastIndex);
    yield { word, lineEnd: lineEnd === -1 ? text.length : lineEnd };
    if (word === 'macdef') {
      // A macro runs to the first empty line: its words are not tokens.
      const blank = text.indexOf('\n\n', lineEnd === -1 ? text.length : lineEnd);
      pattern.lastIndex = blank === -1 ? text.length : blank + 2;
    }
  }
}

/** machine name (or "default") → its entry; throws on a file Python's netrc would refuse. */
export function parseNetrc(text: string): Map<string, NetrcEntry> {
  const machines = new Map<string, NetrcEntry>();
  let current: NetrcEntry | null = null;
  const words = tokens(text);
  const next = (after: string): string => {
    const item = words.next();
    if (item.done) throw new SyntaxError(`netrc: '${after}' needs a value`);
    return item.value.word;
  };
  for (let item = words.next(); !item.done; item = words.next()) {
    const word = item.value.word;
    if (word === 'machine' || word === 'default') {
      const name = word === 'machine' ? next('machine') : 'default';
      current = { login: '', account: '', password: '' };
      machines.set(name, current);
    } else if (word === 'macdef') {
      current = null;
    } else if (current && (word === 'login' || word === 'user')) current.login = next(word);
    else if (current && word === 'account') current.account = next(word);
    else if (current && word === 'password') current.password = next(word);
    else throw new SyntaxError(`netrc: bad token '${word}'`);
  }
  return machines;
}

interface Parsed {
  mtimeMs: number;
  size: number;
  machines: Map<string, NetrcEntry> | null;
}
const parsedFiles = new Map<string, Parsed>();

/**
 * requests hands Python's netrc an explicit path, so its permission check on a
 * default ~/.netrc never runs: none here either.
 */
function machinesIn(path: string, stats: Stats): Map<string, NetrcEntry> | null {
  const cached = parsedFiles.get(path);
  if (cached && cached.mtimeMs === stats.mtimeMs && cached.size === stats.size) return cached.machines;
  let machines: Map<string, NetrcEntry> | null;
  try {
    machines = parseNetrc(readFileSync(path, 'utf8'));
  } catch {
    machines = null;
  }
  parsedFiles.set(path, { mtimeMs: stats.mtimeMs, size: stats.size, machines });
  return machines;
}

/** The [user, password] the netrc file gives for `url`'s host, or null. */
let defaultCandidates: { home: string | undefined; paths: string[] } | null = null;

/** ~/.netrc and ~/_netrc, worked out again only when HOME changes. */
function defaultPaths(env: Environment): string[] {
  const home = env.HOME;
  if (defaultCandidates === null || defaultCandidates.home !== home) {
    defaultCandidates = { home, paths: DEFAULT_NAMES.map((name) => expandUser(`~/${name}`, env)) };
  }
  return defaultCandidates.paths;
}

export function netrcAuth(url: string, env: Environment): [string, string] | null {
  const named = env.NETRC;
  const candidates = named !== undefined ? [expandUser(named, env)] : defaultPaths(env);
  // One clock read for every candidate (most machines have neither ~/.netrc nor ~/_netrc).
  const now = Date.now();
  for (const path of candidates) {
    const stats = recentStat(path, now);
    if (!stats?.isFile()) continue;
    let host: string;
    try {
      host = new URL(url).hostname;
    } catch {
      return null;
    }
    const machines = machinesIn(path, stats);
    const entry = machines?.get(host) ?? machines?.get('default');
    if (!entry || (!entry.login && !entry.account && !entry.password)) return null;
    return [entry.login || entry.account, entry.password];
  }
  return null;
}
