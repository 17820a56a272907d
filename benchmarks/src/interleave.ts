/**
 * Runs a scenario's arms interleaved: open all, one uncounted warm-up each,
 * then A B C A B C … for R repetitions. An arm that fails is reported with
 * its error and left out of later rounds; the others carry on.
 */
import type { Arm, ArmResult, Scenario } from './arm.js';

export type ArmStatus = 'ok' | 'skipped' | 'failed';

export interface ArmOutcome {
  name: string;
  detail?: string;
  status: ArmStatus;
  /** Why skipped or failed. */
  reason?: string;
  /** One entry per repetition; undefined where the arm had already failed. */
  samples: (ArmResult | undefined)[];
}

export interface InterleaveHooks {
  /** Called before each run (progress output). */
  onRun?(arm: Arm, repetition: number | 'warm-up'): void;
  /** Called after each measured run with its result, or the error that ended the arm. */
  onResult?(arm: Arm, repetition: number, outcome: { result?: ArmResult; error?: string }): void;
  /** Called between runs: e.g. a GC so one arm's garbage is not the next one's cost. */
  between?(): Promise<void> | void;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export async function runInterleaved(scenario: Scenario, hooks: InterleaveHooks = {}): Promise<ArmOutcome[]> {
  const outcomes = scenario.arms.map<ArmOutcome>((arm) => ({
    name: arm.name,
    detail: arm.detail,
    status: arm.skip ? 'skipped' : 'ok',
    reason: arm.skip,
    samples: [],
  }));
  const live = (i: number) => outcomes[i]!.status === 'ok';
  const fail = (i: number, error: unknown) => {
    outcomes[i]!.status = 'failed';
    outcomes[i]!.reason = describe(error);
  };
  const opened: Arm[] = [];
  try {
    for (const [i, arm] of scenario.arms.entries()) {
      if (!live(i)) continue;
      try {
        opened.push(arm);
        await arm.open?.();
      } catch (error) {
        fail(i, error);
      }
    }
    for (const [i, arm] of scenario.arms.entries()) {
      if (!live(i)) continue;
      hooks.onRun?.(arm, 'warm-up');
      try {
        await (arm.warmUp ? arm.warmUp() : arm.run());
      } catch (error) {
        fail(i, error);
        hooks.onResult?.(arm, -1, { error: describe(error) });
      }
      await hooks.between?.();
    }
    for (let repetition = 0; repetition < scenario.repetitions; repetition++) {
      for (const [i, arm] of scenario.arms.entries()) {
        if (!live(i)) {
          outcomes[i]!.samples.push(undefined);
          continue;
        }
        hooks.onRun?.(arm, repetition);
        try {
          const result = await arm.run();
          outcomes[i]!.samples.push(result);
          hooks.onResult?.(arm, repetition, { result });
        } catch (error) {
          outcomes[i]!.samples.push(undefined);
          fail(i, error);
          hooks.onResult?.(arm, repetition, { error: describe(error) });
        }
        await hooks.between?.();
      }
    }
  } finally {
    for (const arm of opened.reverse()) {
      await arm.close?.().catch((error: unknown) => {
        console.error(`bench: closing ${arm.name} failed: ${describe(error)}`);
      });
    }
  }
  return outcomes;
}
