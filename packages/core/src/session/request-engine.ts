/**
 * The in-process request engine (http/request-task.js and everything it
 * imports: request, redirects, bodies, multipart, digest auth, files), loaded
 * on first use instead of with the package. A coordinator whose requests all
 * go to a ProcessPoolExecutor never runs it itself: its children import it
 * (by the same URL, so it stays one module wherever it is loaded), and a
 * fresh pool no longer pays for it before its first child spawns. The same
 * goes for a session's keep-alive pools (http/agents.js, which loads
 * node:https and node:tls): they are made with the engine, for the first
 * request the session runs in this process.
 */
import type { AgentPool } from '../http/agents.js';
import type { RequestSpec } from '../http/request-spec.js';
import type * as RequestTask from '../http/request-task.js';
import type { TaskContext } from '../task-context.js';
import { LoadedOnce } from '../http/loaded-once.js';

interface Engine {
  readonly task: typeof RequestTask;
  readonly agents: typeof import('../http/agents.js');
}

const engine = new LoadedOnce<Engine>(() => Promise.all([import('../http/request-task.js'), import('../http/agents.js')]).then(([task, agents]) => ({ task, agents })));

/** A session's keep-alive connection pools for the requests it runs in this process, made on the first one. */
export class InProcessAgents {
  private pool: AgentPool | undefined;

  /** The pools; made with the engine's AgentPool once it is loaded. */
  of(engine: Engine): AgentPool {
    return (this.pool ??= new engine.agents.AgentPool());
  }

  /** Closes what was made (nothing if no request ran in this process). */
  destroy(): void {
    this.pool?.destroy();
  }
}

/** request-task.ts's runRequestTaskIn with the session's pools; synchronous into it once the engine is loaded. */
export function runRequestTaskIn(context: TaskContext, spec: RequestSpec, session: unknown, agents: InProcessAgents): Promise<RequestTask.RequestOutcome> {
  const loaded = engine.value;
  if (loaded !== undefined) return loaded.task.runRequestTaskIn(context, spec, session, { agents: agents.of(loaded) });
  return engine.get().then((now) => now.task.runRequestTaskIn(context, spec, session, { agents: agents.of(now) }));
}
