/**
 * Finds the external programs that some arms drive. A missing one makes its
 * arms skip with a reason (run `pnpm bench:setup`), never crash the suite.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { spawnSync } from 'node:child_process';

export type Tool = 'nginx' | 'wrk' | 'curl' | 'python' | 'redis-server';

export type ToolLookup = { found: true; path: string } | { found: false; reason: string };

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, extraDirs: string[] = []): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...extraDirs];
  for (const dir of dirs) {
    if (dir && executable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

const cache = new Map<Tool, ToolLookup>();

export function findTool(tool: Tool): ToolLookup {
  const cached = cache.get(tool);
  if (cached) return cached;
  const result = lookup(tool);
  cache.set(tool, result);
  return result;
}

function lookup(tool: Tool): ToolLookup {
  const hint = 'run `pnpm bench:setup`';
  switch (tool) {
    case 'nginx': {
      const path = onPath('nginx', ['/usr/sbin', '/usr/local/sbin']);
      return path ? { found: true, path } : { found: false, reason: `nginx not installed (${hint})` };
    }
    case 'redis-server': {
      const path = onPath('redis-server', ['/usr/sbin', '/usr/bin']);
      return path ? { found: true, path } : { found: false, reason: `redis-server not installed (${hint}, or apt-get install redis-server)` };
    }
    case 'wrk':
    case 'curl': {
      const path = onPath(tool);
      return path ? { found: true, path } : { found: false, reason: `${tool} not installed (${hint})` };
    }
    case 'python': {
      // Debian's python3-requests-futures lives in the system interpreter's
      // site-packages, not in a pyenv shim's.
      const path = '/usr/bin/python3';
      if (!executable(path)) return { found: false, reason: `${path} not found (${hint})` };
      const probe = spawnSync(path, ['-c', 'import requests_futures, requests'], { encoding: 'utf8' });
      return probe.status === 0
        ? { found: true, path }
        : { found: false, reason: `requests-futures missing for ${path} (${hint})` };
    }
  }
}
