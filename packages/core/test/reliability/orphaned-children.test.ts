/**
 * A pool child whose coordinator dies (SIGKILL, an uncaught exception) must not
 * go on downloading for nobody: it notices (IPC disconnect, or its parent pid
 * changing), aborts its tasks through their signals, so a saveTo keeps a
 * consistent resumable part, and exits within a second or two. Killed for real,
 * checked in /proc.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNeverAnsweringServer, startTrickleServer, trickleByte, type NeverAnsweringServer, type TrickleServer } from './support/never-answering-server.js';
import { childPidsOf, isAlive, killSurvivors, within } from './support/process-tree.js';

const COORDINATOR = fileURLToPath(new URL('./fixtures/pool-coordinator.mjs', import.meta.url));
const RF = fileURLToPath(new URL('../../../cli/dist/rf.js', import.meta.url));

/** The promise: an orphaned child is gone within this (it checks every 250 ms and lets tasks unwind for at most 1 s). */
const ORPHAN_GONE_MS = 2000;
/** Starting a coordinator, its two children and their requests on a busy 2-core machine. */
const START_MS = 20_000;

const started: { processes: ChildProcess[]; pids: number[]; closers: Array<() => Promise<void>>; dirs: string[] } = { processes: [], pids: [], closers: [], dirs: [] };

afterEach(async () => {
  killSurvivors([...started.processes.map((p) => p.pid!), ...started.pids]);
  await Promise.all(started.closers.splice(0).map((close) => close()));
  for (const dir of started.dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  const pids = started.pids.splice(0);
  started.processes.splice(0);
  await within(2000, 'cleanup left no process', () => !pids.some(isAlive));
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rf-orphans-'));
  started.dirs.push(dir);
  return dir;
}

async function servers(): Promise<{ hang: NeverAnsweringServer; trickle: TrickleServer }> {
  const hang = await startNeverAnsweringServer();
  const trickle = await startTrickleServer();
  started.closers.push(() => hang.close(), () => trickle.close());
  return { hang, trickle };
}

function launch(args: string[]): ChildProcess {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  started.processes.push(child);
  child.stderr!.setEncoding('utf8');
  return child;
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

function sizeOf(path: string): number {
  return existsSync(path) ? statSync(path).size : 0;
}

/** The coordinator script with its requests under way: three never answered, one trickling into `.big.bin.part`. */
async function coordinatorWithWorkInFlight({ noisyTask = false } = {}) {
  const { hang, trickle } = await servers();
  const dir = tempDir();
  const part = join(dir, '.big.bin.part');
  const unwound = join(dir, 'unwound');
  const coordinator = launch([COORDINATOR, hang.url, trickle.url, join(dir, 'big.bin'), ...(noisyTask ? [unwound] : [])]);
  const hangs = noisyTask ? 2 : 3;
  // Two 1 MiB batches on disk: the download is writing.
  await within(START_MS, 'requests held and the part file growing', () => hang.arrived >= hangs && sizeOf(part) >= 2 * 1024 * 1024);
  const children = childPidsOf(coordinator.pid!);
  started.pids.push(...children);
  expect(children).toHaveLength(2);
  return { coordinator, trickle, part, children, unwound };
}

/** What a resumable part must be after its writer was stopped: exactly a prefix of the body, with its validator beside it. */
function expectConsistentPart(part: string, trickle: TrickleServer): void {
  const bytes = readFileSync(part);
  expect(bytes.length).toBeGreaterThan(0);
  expect(bytes.length).toBeLessThanOrEqual(trickle.sent);
  let firstWrong = -1;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== trickleByte(i)) {
      firstWrong = i;
      break;
    }
  }
  expect(firstWrong).toBe(-1);
  expect(JSON.parse(readFileSync(`${part}.json`, 'utf8'))).toMatchObject({ validator: '"trickle-v1"' });
}

describe('pool children whose coordinator is gone', () => {
  it('coordinator SIGKILLed: every child exits within 2 s and the part file stops growing, a consistent prefix', async () => {
    const { coordinator, trickle, part, children } = await coordinatorWithWorkInFlight();
    coordinator.kill('SIGKILL');
    await within(ORPHAN_GONE_MS, `children ${children.join(', ')} gone`, () => !children.some(isAlive));
    const size = sizeOf(part);
    await trickle.abandoned;
    expectConsistentPart(part, trickle);
    // No writer is left: the part is as it was when the children were found gone.
    expect(sizeOf(part)).toBe(size);
  });

  it('coordinator dies of an uncaught exception: every child exits within 2 s', async () => {
    const { coordinator, trickle, part, children } = await coordinatorWithWorkInFlight();
    let stderr = '';
    coordinator.stderr!.on('data', (text: string) => (stderr += text));
    coordinator.kill('SIGUSR2');
    expect(await exited(coordinator)).toEqual({ code: 1, signal: null });
    expect(stderr).toContain('a coordinator bug: uncaught exception');
    await within(ORPHAN_GONE_MS, `children ${children.join(', ')} gone`, () => !children.some(isAlive));
    await trickle.abandoned;
    expectConsistentPart(part, trickle);
  });

  it('a task that logs while it unwinds, into an output pipe whose reader died, still finishes unwinding', async () => {
    const { coordinator, children, unwound } = await coordinatorWithWorkInFlight({ noisyTask: true });
    coordinator.kill('SIGKILL');
    await within(ORPHAN_GONE_MS, `children ${children.join(', ')} gone`, () => !children.some(isAlive));
    expect(readFileSync(unwound, 'utf8')).toBe('unwound');
  });

  it('`rf download --processes 2 --resume` SIGKILLed: its children are gone within 2 s', async () => {
    const { hang } = await servers();
    const dir = tempDir();
    const list = join(dir, 'urls.txt');
    writeFileSync(list, ['a.bin', 'b.bin', 'c.bin', 'd.bin'].map((name) => `${hang.url}/${name}\n`).join(''));
    const rf = launch([RF, 'download', '--processes', '2', '--resume', '-o', join(dir, 'out'), list]);
    await within(START_MS, 'four downloads held by the server', () => hang.arrived >= 4);
    const children = childPidsOf(rf.pid!);
    started.pids.push(...children);
    expect(children).toHaveLength(2);
    rf.kill('SIGKILL');
    await within(ORPHAN_GONE_MS, `children ${children.join(', ')} gone`, () => !children.some(isAlive));
  });
});
