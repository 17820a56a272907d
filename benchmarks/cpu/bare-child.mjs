/**
 * A bare pool's child (bare-pool.mjs): rf's own one-file build of got with the
 * options rf's engine gives it (core/src/http/got-instance.ts, agents.ts,
 * send-hop.ts), and nothing else: takes {id, url}, does the GET, replies
 * {id, statusCode, headers, body} with the body as text. What this costs is
 * the least any process pool that runs got can cost on this machine.
 */
import { Agent } from 'node:http';
import { fileURLToPath } from 'node:url';

const RF_GOT = new URL('../../packages/core/dist/vendor/got.js', import.meta.url);
const { default: got } = await import(RF_GOT.href).catch((error) => {
  throw new Error(`bare-child: rf's got build is missing at ${fileURLToPath(RF_GOT)} (run pnpm build)`, { cause: error });
});

// requestsGot(): requests' semantics as the instance's defaults.
const base = got.extend({ mutableDefaults: true, allowGetBody: true, retry: { limit: 0 }, throwHttpErrors: false, followRedirect: false, decompress: true });
base.defaults.options.cacheOptions = {};
// AgentPool.agentsFor() with the default pool (10, block false), then gotFor(): agents, no timeouts, verify on.
const agent = new Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 10, timeout: 4_000 });
const client = base.extend({ timeout: {}, agent: { http: agent }, https: { rejectUnauthorized: true } });
// A session's default headers as send-hop.ts hands them to got (lower-case).
const HEADERS = { 'user-agent': 'requests-futures-ts/0.1.0', 'accept-encoding': 'gzip, deflate, br', accept: '*/*', connection: 'keep-alive' };

function get(id, url) {
  const stream = client.stream(url, { headers: { ...HEADERS } });
  stream.on('error', (error) => process.send({ id, error: String(error) }));
  stream.once('response', (response) => {
    const chunks = [];
    stream.on('data', (chunk) => chunks.push(chunk));
    stream.once('end', () => process.send({ id, statusCode: response.statusCode, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
  });
  stream.end();
}

process.on('message', ({ id, url }) => get(id, url));
// The coordinator's disconnect is the signal to go: close the idle sockets so the process can exit.
process.once('disconnect', () => agent.destroy());
process.send('ready');
