/**
 * Turns interleaved outcomes into the figures the report prints: per arm,
 * median [min–max] of each metric, and paired ratios to the baselines.
 */
import type { ArmResult, Metric, Scenario } from '../arm.js';
import type { ArmOutcome } from '../interleave.js';
import { BASELINES, type BaselineKey } from '../baselines.js';
import { metricOf, SIDE_METRICS } from '../metrics.js';
import { pairedRatios, summarize, type Summary } from '../stats.js';
import type { MachineInfo } from './machine.js';

export interface ArmReport {
  name: string;
  detail?: string;
  status: ArmOutcome['status'];
  reason?: string;
  samples: (ArmResult | undefined)[];
  figures: Partial<Record<Metric | 'seconds', Summary>>;
  /** Paired ratios of the scenario's primary metric to each baseline that ran. */
  ratios: Partial<Record<BaselineKey, Summary>>;
}

export interface ScenarioResult {
  id: string;
  title: string;
  description: string;
  primary: Metric;
  repetitions: number;
  arms: ArmReport[];
  /** Set when the figures were taken from another scenario's run instead of re-measured. */
  derivedFrom?: string;
}

export interface ResultsFile {
  machine: MachineInfo;
  options: { quick: boolean; only: string[] };
  scenarios: ScenarioResult[];
  /** The process-pool issue's acceptance figures, when measured. */
  acceptance: AcceptanceFigure[];
  /** Scenarios that could not run here, and why. */
  skippedScenarios: { id: string; reason: string }[];
  /** Wall-clock seconds of the whole run. */
  totalSeconds: number;
}

export interface AcceptanceFigure {
  arm: string;
  ratioToGot: Summary;
}

function values(samples: (ArmResult | undefined)[], metric: Metric | 'seconds'): (number | undefined)[] {
  return samples.map((s) => (s === undefined ? undefined : metric === 'seconds' ? s.seconds : metricOf(s, metric)));
}

function summaryOf(samples: (ArmResult | undefined)[], metric: Metric | 'seconds'): Summary | undefined {
  const present = values(samples, metric).filter((v): v is number => v !== undefined && Number.isFinite(v));
  return present.length > 0 ? summarize(present) : undefined;
}

/** The acceptance figures: each listed arm's paired ratio to got in-process. */
export function acceptanceFigures(result: ScenarioResult | undefined, armNames: string[]): AcceptanceFigure[] {
  if (!result) return [];
  return armNames.flatMap((name) => {
    const ratio = result.arms.find((a) => a.name === name)?.ratios.vsGot;
    return ratio ? [{ arm: name, ratioToGot: ratio }] : [];
  });
}

export function buildArmReports(primary: Metric, outcomes: ArmOutcome[]): ArmReport[] {
  const byName = new Map(outcomes.map((o) => [o.name, o]));
  return outcomes.map((outcome) => {
    const figures: ArmReport['figures'] = {};
    for (const metric of ['reqPerSec', 'mbPerSec', ...SIDE_METRICS, 'seconds'] as const) {
      const summary = summaryOf(outcome.samples, metric);
      if (summary) figures[metric] = summary;
    }
    const ratios: ArmReport['ratios'] = {};
    for (const baseline of BASELINES) {
      const base = byName.get(baseline.arm);
      if (!base || base.samples.length === 0) continue;
      const ratio = pairedRatios(values(outcome.samples, primary), values(base.samples, primary));
      if (ratio) ratios[baseline.key] = ratio;
    }
    return { ...outcome, figures, ratios };
  });
}

export function buildScenarioResult(scenario: Scenario, outcomes: ArmOutcome[]): ScenarioResult {
  return {
    id: scenario.id,
    title: scenario.title,
    description: scenario.description,
    primary: scenario.primary,
    repetitions: scenario.repetitions,
    arms: buildArmReports(scenario.primary, outcomes),
  };
}

/** A scenario whose arms are a subset of one already measured: same repetitions, ratios recomputed. */
export function deriveScenarioResult(
  from: ScenarioResult,
  target: Pick<Scenario, 'id' | 'title' | 'description' | 'primary'>,
  armNames: string[],
): ScenarioResult {
  const kept = from.arms.filter((arm) => armNames.includes(arm.name));
  return {
    ...target,
    repetitions: from.repetitions,
    arms: buildArmReports(target.primary, kept),
    derivedFrom: from.id,
  };
}
