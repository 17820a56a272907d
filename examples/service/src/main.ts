/**
 * Entry point: `node dist/main.js`, configured by environment variables (config.ts).
 * The same file runs as the cluster primary and as each worker.
 */
import cluster from 'node:cluster';
import { ConfigError, readConfig, type ServiceConfig } from './config.js';
import { runPrimary } from './primary.js';
import { runWorker } from './worker.js';

let config: ServiceConfig;
try {
  config = readConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`example-service: ${error.message}\n`);
  process.exit(2);
}

if (cluster.isPrimary) runPrimary(config);
else runWorker(config);
