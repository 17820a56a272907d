/**
 * The run's servers, started the first time a scenario asks and stopped
 * together at the end: a `--only memory` run never starts nginx.
 */
import { join } from 'node:path';
import { findTool } from '../tools.js';
import { generateFileSet, type FileSetSpec, type GeneratedFile } from './files.js';
import { startJsonServer, type JsonServer } from './json-server.js';
import { startNginx, type NginxServer } from './nginx.js';

export class LazyServers {
  private json?: Promise<JsonServer>;
  /** By worker_processes. */
  private readonly nginx = new Map<number, Promise<NginxServer>>();

  constructor(private readonly workDir: string) {}

  get filesRoot(): string {
    return join(this.workDir, 'files');
  }

  jsonServer(): Promise<JsonServer> {
    this.json ??= startJsonServer();
    return this.json;
  }

  /** `workerProcesses`: nginx's worker_processes, default 1; each count is its own instance. */
  async filesOverNginx(spec: FileSetSpec, { workerProcesses = 1 }: { workerProcesses?: number } = {}): Promise<{ urls: string[]; files: GeneratedFile[] } | { skip: string }> {
    const tool = findTool('nginx');
    if (!tool.found) return { skip: tool.reason };
    const files = await generateFileSet(this.filesRoot, spec);
    let started = this.nginx.get(workerProcesses);
    if (!started) this.nginx.set(workerProcesses, (started = startNginx({ nginxPath: tool.path, root: this.filesRoot, workDir: this.workDir, workerProcesses })));
    const server = await started;
    return { files, urls: files.map((f) => `${server.origin}/${f.relativePath}`) };
  }

  async stopAll(): Promise<void> {
    const started: Promise<{ stop(): Promise<void> }>[] = [];
    if (this.json) started.push(this.json);
    started.push(...this.nginx.values());
    this.json = undefined;
    this.nginx.clear();
    await Promise.all(
      started.map(async (pending) => {
        const server = await pending.catch(() => undefined);
        await server?.stop();
      }),
    );
  }
}
