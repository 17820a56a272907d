/**
 * A throwaway Debian `redis-server` for tests: loopback only, no persistence
 * (`--save '' --appendonly no`), on a free port, stopped (and proved gone) by
 * `stop()`. `restart()` keeps the port, as a crashed-and-restarted server would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { endsWithThisProcess, isAlive } from './processes.js';

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** The redis-server process now (changes on restart). */
  readonly pid: number;
  /** Stops it (SIGTERM, then SIGKILL) and resolves once the process is gone; idempotent. */
  stop(): Promise<void>;
  /** Stops it and starts a new, empty one on the same port. */
  restart(): Promise<void>;
  /** One command over RESP (e.g. `command('KEYS', '*')`): the reply as text lines. */
  command(...args: string[]): Promise<string[]>;
}

const START_TIMEOUT_MS = 10_000;

export async function startRedisServer(): Promise<RedisServer> {
  let lastError: unknown;
  // A free port can be taken between our probe and redis' bind: try a few.
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freeLoopbackPort();
    try {
      return await serverOn(port, await spawnRedis(port));
    } catch (error) {
      lastError = error;
    }
  }
  throw new Error(`redis-server did not start: ${String(lastError)}`);
}

function serverOn(port: number, first: ChildProcess): RedisServer {
  let child = first;
  const stopChild = async (): Promise<void> => {
    const pid = child.pid!;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    if (isAlive(pid)) throw new Error(`redis-server ${pid} survived SIGKILL`);
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return child.pid!;
    },
    stop: stopChild,
    async restart() {
      await stopChild();
      child = await spawnRedis(port);
    },
    command: (...args: string[]) => redisCommand(port, args),
  };
}

async function spawnRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  endsWithThisProcess(child);
  const failed = new Promise<never>((_, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new Error(`redis-server exited at start (code ${code}, signal ${signal})`)));
  });
  failed.catch(() => {});
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const answered = await Promise.race([redisCommand(port, ['PING']).then((reply) => reply[0] === 'PONG', () => false), failed]);
    if (answered) return child;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server on port ${port} did not answer PING within ${START_TIMEOUT_MS} ms`);
}

async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Sends one command and reads one reply; arrays and bulk strings are flattened to lines. */
function redisCommand(port: number, args: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let buffer = '';
    socket.setEncoding('utf8');
    socket.once('error', reject);
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const parsed = parseReply(buffer);
      if (parsed === undefined) return;
      socket.end();
      if (parsed instanceof Error) reject(parsed);
      else resolve(parsed);
    });
    socket.write(`*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`);
  });
}

/** undefined: incomplete. */
function parseReply(text: string): string[] | Error | undefined {
  const lines = text.split('\r\n');
  if (!text.endsWith('\r\n')) return undefined;
  const head = lines[0]!;
  if (head.startsWith('-')) return new Error(head.slice(1));
  if (head.startsWith('+') || head.startsWith(':')) return [head.slice(1)];
  if (head.startsWith('$')) return head === '$-1' ? [] : lines.length >= 3 ? [lines[1]!] : undefined;
  if (head.startsWith('*')) {
    const count = Number(head.slice(1));
    const items: string[] = [];
    for (let i = 1; i < lines.length - 1 && items.length < count; i += 2) items.push(lines[i + 1]!);
    return items.length === Math.max(count, 0) ? items : undefined;
  }
  return new Error(`unexpected reply ${JSON.stringify(head)}`);
}
