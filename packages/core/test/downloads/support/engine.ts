/** performRequest on its own agents, with the session's defaults: the engine without a session. */
import { AgentPool } from '../../../dist/http/agents.js';
import { performRequest } from '../../../dist/http/request.js';
import { standaloneTaskContext } from '../../../dist/task-context.js';
import type { Response } from '../../../dist/http/response.js';
import { specFor, type SpecOverrides } from '../../http/spec-for.js';

export function engine(): { send(url: string, overrides?: SpecOverrides): Promise<Response>; destroy(): void } {
  const agents = new AgentPool();
  return {
    send: (url, overrides = {}) => performRequest(specFor(url, overrides), standaloneTaskContext(), { agents }),
    destroy: () => agents.destroy(),
  };
}
