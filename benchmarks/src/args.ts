/**
 * Command-line options of `pnpm bench`. pnpm forwards `pnpm bench --quick`
 * and `pnpm bench -- --quick` alike, the latter with a literal `--`, which
 * is dropped here so both forms mean the same.
 */
import { parseArgs } from 'node:util';

export interface BenchOptions {
  quick: boolean;
  only: string[];
  repetitions?: number;
  outDir?: string;
  list: boolean;
  help: boolean;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const USAGE = `usage: pnpm bench [--quick] [--only <scenario>[,<scenario>...]] [--reps N] [--out DIR] [--list]

  --quick        smaller workloads, 3 repetitions (under 2 minutes)
  --only LIST    run only these scenarios (comma-separated or repeated); see --list
  --reps N       repetitions per scenario (default: quick 3, full 5)
  --out DIR      where latest.json / latest.md / latest.svg go (default benchmarks/results)
  --list         print the scenario names and exit`;

export function parseBenchArgs(argv: string[], knownScenarios: string[]): BenchOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv.filter((arg) => arg !== '--'),
      options: {
        quick: { type: 'boolean', default: false },
        only: { type: 'string', multiple: true },
        reps: { type: 'string' },
        out: { type: 'string' },
        list: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const only = (values.only ?? []).flatMap((entry) => entry.split(',')).map((s) => s.trim()).filter(Boolean);
  for (const id of only) {
    if (!knownScenarios.includes(id)) throw new UsageError(`unknown scenario '${id}' (known: ${knownScenarios.join(', ')})`);
  }
  let repetitions: number | undefined;
  if (values.reps !== undefined) {
    repetitions = Number(values.reps);
    if (!Number.isInteger(repetitions) || repetitions < 1) throw new UsageError(`--reps must be a whole number ≥ 1, got '${values.reps}'`);
  }
  return { quick: values.quick ?? false, only, repetitions, outDir: values.out, list: values.list ?? false, help: values.help ?? false };
}
