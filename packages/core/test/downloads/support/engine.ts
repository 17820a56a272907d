/** performRequest on its own agents, with the session's defaults: the engine without a session. */
import { AgentPool } from '../../../dist/http/agents.js';
import { performRequest } from '../../../dist/http/request.js';
import type { RequestSpec } from '../../../dist/http/request-spec.js';
import type { Response } from '../../../dist/http/response.js';
import { specFor } from '../../http/spec-for.js';

export function engine(): { send(url: string, overrides?: Partial<RequestSpec>): Promise<Response>; destroy(): void } {
  const agents = new AgentPool();
  return {
    send: (url, overrides = {}) => performRequest(specFor(url, overrides), { agents }),
    destroy: () => agents.destroy(),
  };
}
