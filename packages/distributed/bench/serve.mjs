// The benchmark's HTTP server, in a process of its own so that its CPU is not the coordinator's.
import { startHttpbin } from '@requests-futures/testing';

const server = await startHttpbin();
process.stdout.write(`${server.url}\n`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
