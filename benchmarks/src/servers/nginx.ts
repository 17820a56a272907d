/**
 * Debian's nginx as a private, unprivileged instance: config rendered from
 * benchmarks/servers/nginx.conf into benchmarks/.work/nginx, foreground,
 * its own process group so stop() (or the cleanup handlers) end master and
 * workers together.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { ManagedProcess } from '../proc/managed-process.js';
import { onCleanup } from '../proc/cleanup.js';
import { freePort, waitForPort } from './free-port.js';
import { ServerStartError } from './server-start-error.js';

export interface NginxServer {
  origin: string;
  root: string;
  pid: number;
  stop(): Promise<void>;
}

export interface StartNginxOptions {
  nginxPath: string;
  /** Directory served at `/`. */
  root: string;
  /** Where config, pid, logs and temp dirs go (git-ignored). */
  workDir: string;
  /** nginx's worker_processes (default 1). */
  workerProcesses?: number;
}

const TEMPLATE = fileURLToPath(new URL('../../servers/nginx.conf', import.meta.url));

export async function renderNginxConfig(options: { prefix: string; root: string; port: number; workerProcesses?: number }): Promise<string> {
  const template = await readFile(TEMPLATE, 'utf8');
  // As root, nginx's workers would switch to `nobody`, who may not read the repo's files.
  const userDirective = process.getuid?.() === 0 ? 'user root root;' : '';
  return template
    .replaceAll('{{USER_DIRECTIVE}}', userDirective)
    .replaceAll('{{PREFIX}}', options.prefix)
    .replaceAll('{{ROOT}}', options.root)
    .replaceAll('{{PORT}}', String(options.port))
    .replaceAll('{{WORKERS}}', String(options.workerProcesses ?? 1));
}

export async function startNginx(options: StartNginxOptions): Promise<NginxServer> {
  const workers = options.workerProcesses ?? 1;
  // One prefix per worker count: two instances may run side by side.
  const prefix = join(options.workDir, workers === 1 ? 'nginx' : `nginx-${workers}-workers`);
  for (const sub of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) {
    await mkdir(join(prefix, sub), { recursive: true });
  }
  const port = await freePort();
  const confPath = join(prefix, 'nginx.conf');
  await writeFile(confPath, await renderNginxConfig({ prefix, root: options.root, port, workerProcesses: workers }));
  const errorLog = join(prefix, 'error.log');
  const proc = new ManagedProcess(
    'nginx',
    options.nginxPath,
    // -e: without it nginx opens /var/log/nginx/error.log before reading our config.
    ['-p', prefix, '-e', errorLog, '-c', confPath],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  proc.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const removeCleanup = onCleanup(() => proc.stop());
  try {
    await waitForPort(port, 10_000, () => proc.running);
  } catch (error) {
    await proc.stop();
    removeCleanup();
    const log = await readFile(errorLog, 'utf8').catch(() => '');
    throw new ServerStartError('nginx', `${(error as Error).message}; ${(stderr + log).trim().slice(-500)}`);
  }
  return {
    origin: `http://127.0.0.1:${port}`,
    root: options.root,
    pid: proc.child.pid ?? -1,
    async stop() {
      await proc.stop();
      removeCleanup();
    },
  };
}
