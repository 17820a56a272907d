/**
 * A long-running child (nginx, the JSON server) in its own process group.
 * stop() asks politely (SIGTERM to the group), then insists (SIGKILL), and
 * always resolves once the direct child has exited, so callers can rely on
 * "after stop() nothing is left".
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { trackProcessGroup } from './cleanup.js';

export class ManagedProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly untrack: () => void;
  private exitedYet = false;

  constructor(
    readonly label: string,
    file: string,
    args: string[],
    options: Omit<SpawnOptions, 'detached'>,
  ) {
    this.child = spawn(file, args, { ...options, detached: true });
    const pid = this.child.pid;
    this.untrack = pid !== undefined ? trackProcessGroup(pid) : () => undefined;
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitedYet = true;
        resolve({ code, signal });
      });
      // A spawn failure (ENOENT) never emits 'exit'.
      this.child.once('error', () => {
        this.exitedYet = true;
        resolve({ code: null, signal: null });
      });
    });
  }

  get running(): boolean {
    return !this.exitedYet;
  }

  async stop(graceMs = 3_000): Promise<void> {
    const pid = this.child.pid;
    if (pid !== undefined) {
      this.signalGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => this.signalGroup(pid, 'SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
      // The leader may exit before its workers do (nginx): sweep the group.
      this.signalGroup(pid, 'SIGKILL');
    }
    this.untrack();
  }

  private signalGroup(pid: number, signal: NodeJS.Signals): void {
    try {
      process.kill(-pid, signal);
    } catch {
      // ESRCH: nothing left in the group.
    }
  }
}
