/**
 * Runs an in-process arm (got, undici, a FuturesSession) in a Node process
 * of its own, for its whole life: open, warm-up, every repetition, close.
 *
 * Why: in one shared harness process the arms' JIT state and heaps mix.
 * Measured on small GETs (16 in flight): got in-process ran 3,600–4,300
 * req/s alone in a fresh process once warm, but 1,000–1,800 inside the
 * harness interleaved with the other arms, so every ratio to it came out
 * flattering (ProcessPool(1) "1.16×"). A process per arm also makes its peak
 * RSS that arm's own, not the harness's.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Arm, ArmResult } from '../arm.js';
import { onCleanup } from '../proc/cleanup.js';

/** How to build the arm in the other process: a module's exported factory and its (plain, cloneable) arguments. */
export interface ArmRecipe {
  module: string;
  exportName: string;
  args: unknown[];
}

export type ArmRequest = { op: 'build'; recipe: ArmRecipe } | { op: 'open' | 'warmUp' | 'run' | 'close' };
export type ArmCall = ArmRequest & { id: number };
export type ArmCallReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: { name: string; message: string; stack?: string } };

const HOST = fileURLToPath(new URL('./arm-host.ts', import.meta.url));

class ArmHost {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private readonly exited: Promise<void>;
  private readonly forgetCleanup: () => void;

  constructor(private readonly child: ChildProcess) {
    child.on('message', (reply: ArmCallReply) => {
      const waiter = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (!waiter) return;
      if (reply.ok) waiter.resolve(reply.value);
      else waiter.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name, stack: reply.error.stack }));
    });
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        for (const { reject } of this.pending.values()) reject(new Error(`arm process exited (code ${code}, signal ${signal}) during a call`));
        this.pending.clear();
        resolve();
      }),
    );
    this.forgetCleanup = onCleanup(() => this.stop());
  }

  call(call: ArmRequest): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ ...call, id } as ArmCall);
    });
  }

  async stop(): Promise<void> {
    this.forgetCleanup();
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    await this.exited;
  }
}

/**
 * `local` is the same arm built here, only for its name, detail and skip
 * (building an arm opens nothing); `recipe` builds the one that runs.
 */
export function inOwnProcess(local: Arm, recipe: ArmRecipe): Arm {
  let host: ArmHost | undefined;
  const arm: Arm = {
    name: local.name,
    detail: local.detail ? `${local.detail}; own process` : 'own process',
    async open() {
      // The harness's own loader (tsx) and flags, so the arm's TypeScript modules load as they do here.
      host = new ArmHost(fork(HOST, [], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
      await host.call({ op: 'build', recipe });
      await host.call({ op: 'open' });
    },
    run: async () => (await host!.call({ op: 'run' })) as ArmResult,
    warmUp: () => host!.call({ op: 'warmUp' }),
    async close() {
      if (!host) return;
      try {
        await host.call({ op: 'close' });
      } finally {
        await host.stop();
      }
    },
  };
  if (local.skip !== undefined) arm.skip = local.skip;
  return arm;
}

/**
 * `inOwnProcess` for an arm factory exported under its own name from `module`
 * (e.g. `export function gotArm` in got-arm.ts): built here for its name, there to run.
 */
export function armInOwnProcess<A extends unknown[]>(module: URL, factory: (...args: A) => Arm, ...args: A): Arm {
  return inOwnProcess(factory(...args), { module: module.href, exportName: factory.name, args });
}
