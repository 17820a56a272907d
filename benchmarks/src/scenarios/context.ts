/**
 * What a scenario may ask of the harness: the run's mode and the shared
 * servers, started on first use and stopped by run.ts whatever happens.
 */
import type { Scenario } from '../arm.js';
import type { JsonServer } from '../servers/json-server.js';
import type { GeneratedFile, FileSetSpec } from '../servers/files.js';

export interface ScenarioContext {
  quick: boolean;
  /** Repetitions unless the scenario has a reason to differ (quick 3, full 5). */
  repetitions: number;
  /** benchmarks/.work: git-ignored scratch space. */
  workDir: string;
  jsonServer(): Promise<JsonServer>;
  /** nginx serving the given file set; `skip` when nginx is missing. */
  /** `workerProcesses`: nginx's worker_processes, default 1. */
  filesOverNginx(spec: FileSetSpec, options?: { workerProcesses?: number }): Promise<{ urls: string[]; files: GeneratedFile[] } | { skip: string }>;
}

export interface ScenarioDefinition {
  id: string;
  /** Full runs only (e.g. the 1 GiB download). */
  fullOnly?: boolean;
  /** Only when named with --only: neither a quick nor a full run takes it (it would not fit their time). */
  onDemand?: boolean;
  build(context: ScenarioContext): Promise<Scenario | { skip: string }>;
}
