/**
 * One stream-scenario run in a fresh bare-node process: a body of `--mib` MiB
 * fetched with stream: true (or got's stream) and consumed slowly, at most
 * `--rate` MiB/s, so the transfer is paced by the consumer and backpressure
 * must hold the body back. The body comes from a server in a process of its
 * own (this file with --serve), so this process's peak RSS is the client's
 * alone. Prints one JSON line: {"requests","seconds","bytes","peakRssMb","childrenPeakRssMb"}.
 *
 *   node stream-child.mjs --engine got|thread|process --mib 1024 --rate 128
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { highWaterMarkMb, watchOwnPeak } from './peak-rss-child.mjs';

const MiB = 1024 * 1024;
const { values } = parseArgs({
  options: {
    serve: { type: 'boolean', default: false },
    engine: { type: 'string', default: 'process' },
    mib: { type: 'string', default: '1024' },
    rate: { type: 'string', default: '128' },
  },
});
const total = Number(values.mib) * MiB;

if (values.serve) {
  // Written as fast as the socket takes it, honouring backpressure: one 64 KiB block, over and over.
  const block = Buffer.alloc(64 * 1024, 0x5a);
  const server = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': total });
    let sent = 0;
    const pump = () => {
      while (sent < total) {
        sent += block.length;
        if (!res.write(block)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  });
  server.listen(0, '127.0.0.1', () => console.log(String(server.address().port)));
  process.on('disconnect', () => process.exit(0));
} else {
  const peak = watchOwnPeak();
  const serverProcess = spawn(process.execPath, [fileURLToPath(import.meta.url), '--serve', '--mib', values.mib], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  try {
    const port = await new Promise((resolve, reject) => {
      serverProcess.stdout.once('data', (data) => resolve(Number(String(data).trim())));
      serverProcess.once('exit', (code) => reject(new Error(`stream server exited (${code})`)));
    });
    const url = `http://127.0.0.1:${port}/body`;
    const bytesPerMs = (Number(values.rate) * MiB) / 1000;
    const started = performance.now();
    /** The slow consumer: after each chunk, waits until it is back on its schedule of `--rate` MiB/s. */
    const consume = async (chunks) => {
      let bytes = 0;
      for await (const chunk of chunks) {
        bytes += chunk.byteLength;
        const ahead = bytes / bytesPerMs - (performance.now() - started);
        if (ahead > 1) await new Promise((resolve) => setTimeout(resolve, ahead));
      }
      return bytes;
    };
    let bytes;
    let childrenPeakRssMb = [];
    if (values.engine === 'got') {
      const { default: got } = await import('got');
      bytes = await consume(got.stream(url, { retry: { limit: 0 } }));
    } else {
      const { FuturesSession, ProcessPoolExecutor, ThreadPoolExecutor } = await import('@requests-futures/core');
      const executor = values.engine === 'process' ? new ProcessPoolExecutor({ maxWorkers: 1 }) : new ThreadPoolExecutor({ maxWorkers: 1 });
      const session = new FuturesSession({ executor });
      try {
        const response = await session.get(url, { stream: true }).result();
        bytes = await consume(response.iterContent(null));
        if (values.engine === 'process') childrenPeakRssMb = executor.stats().workers.map((pid) => highWaterMarkMb(pid) ?? 0);
      } finally {
        await session.close();
        await executor.shutdown();
      }
    }
    const seconds = (performance.now() - started) / 1000;
    if (bytes !== total) throw new Error(`stream-child: ${bytes} of ${total} bytes`);
    const peakRssMb = peak.peakMb();
    peak.stop();
    console.log(JSON.stringify({ requests: 1, seconds, bytes, peakRssMb, childrenPeakRssMb }));
  } finally {
    serverProcess.kill();
  }
}
