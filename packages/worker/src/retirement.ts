/**
 * A child's life budget (`maxTasksPerChild`, `maxMemoryPerChildMb`). When it is
 * spent the child retires gracefully instead of being killed: it starts no new
 * task, lets the running ones reply, and exits when the coordinator says so.
 * (tinypool's own `maxMemoryLimitBeforeRecycle` kills the child as soon as one
 * task finishes, taking every other in-flight request of that child with it.)
 */
import { readPositiveInteger } from './argv-flags.js';
import { MAX_MEMORY_FLAG, MAX_TASKS_FLAG } from './protocol.js';

export interface RetirementBudget {
  readonly maxTasks?: number;
  readonly maxMemoryMb?: number;
}

export function budgetFromArgv(argv: readonly string[]): RetirementBudget {
  return { maxTasks: readPositiveInteger(argv, MAX_TASKS_FLAG), maxMemoryMb: readPositiveInteger(argv, MAX_MEMORY_FLAG) };
}

export class Retirement {
  private started = 0;
  private reason: string | undefined;

  constructor(
    private readonly budget: RetirementBudget,
    private readonly residentMb: () => number = () => process.memoryUsage.rss() / (1024 * 1024),
  ) {}

  get retiring(): boolean {
    return this.reason !== undefined;
  }

  /**
   * Counts a task as it starts, so that a child serving several tasks at once
   * still runs exactly `maxTasks`. Returns the reason when this start spent the budget.
   */
  noteStarted(): string | undefined {
    this.started += 1;
    if (this.reason === undefined && this.budget.maxTasks !== undefined && this.started >= this.budget.maxTasks) {
      this.reason = `ran ${this.started} tasks (maxTasksPerChild ${this.budget.maxTasks})`;
      return this.reason;
    }
    return undefined;
  }

  /** Memory is measured after a task, when what it allocated is still resident. */
  noteFinished(): string | undefined {
    if (this.reason !== undefined || this.budget.maxMemoryMb === undefined) return undefined;
    const mb = this.residentMb();
    if (mb > this.budget.maxMemoryMb) {
      this.reason = `resident memory ${Math.round(mb)} MB exceeds maxMemoryPerChildMb ${this.budget.maxMemoryMb}`;
      return this.reason;
    }
    return undefined;
  }
}
