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
  private nginx?: Promise<NginxServer>;

  constructor(private readonly workDir: string) {}

  get filesRoot(): string {
    return join(this.workDir, 'files');
  }

  jsonServer(): Promise<JsonServer> {
    this.json ??= startJsonServer();
    return this.json;
  }

  async filesOverNginx(spec: FileSetSpec): Promise<{ urls: string[]; files: GeneratedFile[] } | { skip: string }> {
    const tool = findTool('nginx');
    if (!tool.found) return { skip: tool.reason };
    const files = await generateFileSet(this.filesRoot, spec);
    this.nginx ??= startNginx({ nginxPath: tool.path, root: this.filesRoot, workDir: this.workDir });
    const server = await this.nginx;
    return { files, urls: files.map((f) => `${server.origin}/${f.relativePath}`) };
  }

  async stopAll(): Promise<void> {
    const started: Promise<{ stop(): Promise<void> }>[] = [];
    if (this.json) started.push(this.json);
    if (this.nginx) started.push(this.nginx);
    this.json = undefined;
    this.nginx = undefined;
    await Promise.all(
      started.map(async (pending) => {
        const server = await pending.catch(() => undefined);
        await server?.stop();
      }),
    );
  }
}
