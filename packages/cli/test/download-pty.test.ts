/**
 * The progress display read from a pseudo-terminal (util-linux `script`):
 * frames show a single large file's bytes, share, rate and ETA moving while it downloads, -q
 * draws no frame at all, and the summary follows both.
 */
import { expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isAlive } from '@requests-futures/testing';
import { RF_BIN, startLoopbackServer, useDownloadFixture } from './helpers.js';

const CHUNK = Buffer.alloc(64 * 1024, 7);
const CHUNKS = 96; // 6.29 MB, sent over about 1.5 s

const fixture = useDownloadFixture('rf-pty-', () =>
  startLoopbackServer((_req, res) => {
    res.writeHead(200, { 'Content-Length': CHUNKS * CHUNK.length, 'Content-Type': 'application/octet-stream' });
    let sent = 0;
    const timer = setInterval(() => {
      res.write(CHUNK);
      sent += 1;
      if (sent === CHUNKS) {
        clearInterval(timer);
        res.end();
      }
    }, 15);
    res.on('close', () => clearInterval(timer));
  }),
);

/** Runs rf under a pseudo-terminal of 120 columns; resolves to its exit code and everything the terminal received. */
async function runUnderPty(args: string[]): Promise<{ code: number | null; screen: string }> {
  const quoted = [process.execPath, RF_BIN, ...args].map((arg) => `'${arg.replace(/'/g, "'\\''")}'`).join(' ');
  const child = spawn('script', ['-q', '-e', '-f', '-c', `stty cols 120 rows 40; ${quoted}`, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let screen = '';
  child.stdout.on('data', (chunk: Buffer) => (screen += chunk));
  child.stderr.on('data', (chunk: Buffer) => (screen += chunk));
  try {
    const [code] = (await once(child, 'close')) as [number | null];
    return { code, screen };
  } finally {
    if (child.pid !== undefined && isAlive(child.pid)) child.kill('SIGKILL');
  }
}

it.each(['0', '1'])('frames show one large file growing, with its own line, before it completes (--processes %s)', async (processes) => {
  const list = path.join(fixture.work, `one-${processes}.txt`);
  await writeFile(list, `${fixture.server.url}/big.bin\n`);
  const { code, screen } = await runUnderPty(['download', list, '-o', path.join(fixture.work, `one-${processes}`), '--processes', processes]);

  expect(code).toBe(0);
  // Each frame starts after "clear to the end of the screen".
  const frames = screen.split('\x1b[J').map((frame) => frame.split('\r\n'));
  const growing = frames
    .filter((lines) => / 0\/1 files /.test(lines[0] ?? ''))
    .map((lines) => lines.find((line) => line.includes('/big.bin  ')))
    .filter((line): line is string => line !== undefined)
    .map((line) => /big\.bin {2}([\d.]+ [kM]?B)/.exec(line)?.[1]);
  // Reported every 256 KiB: a 6.29 MB file shows many distinct sizes while 0 of 1 files is done.
  expect(new Set(growing).size).toBeGreaterThanOrEqual(5);
  // Its line carries the declared size, its share, its own rate and an ETA, which move as it grows.
  const fileLines = frames.flatMap((lines) => lines.filter((line) => line.includes('/big.bin  ')));
  const detailed = fileLines.map((line) => /big\.bin {2}[\d.]+ [kM]?B \/ 6\.29 MB {2}(\d+)% {2}[\d.]+ MB\/s {2}ETA [\d.]+ (?:ms|s)/.exec(line)?.[1]).filter((share) => share !== undefined);
  expect(new Set(detailed).size).toBeGreaterThanOrEqual(3);
  // The total line has an ETA before the only file completes (from that file's size and rate).
  expect(frames.some((lines) => / 0\/1 files \| [1-9][\d.]* MB \| [\d.]+ MB\/s \| ETA [\d.]+ (?:ms|s)/.test(lines[0] ?? ''))).toBe(true);
  expect(screen).toMatch(/1\/1 files \| 6\.29 MB/);
  expect(screen).toMatch(/Summary: 1 ok, 0 failed, 6\.29 MB transferred in/);
});

it('-q draws no frame: only the summary reaches the terminal', async () => {
  const list = path.join(fixture.work, 'quiet.txt');
  await writeFile(list, `${fixture.server.url}/big.bin\n`);
  const { code, screen } = await runUnderPty(['download', list, '-o', path.join(fixture.work, 'quiet'), '--processes', '0', '-q']);

  expect(code).toBe(0);
  expect(screen).not.toContain('\x1b[J');
  expect(screen).not.toContain('files |');
  expect(screen.trim()).toMatch(/^Summary: 1 ok, 0 failed, 6\.29 MB transferred in [^\n]+$/);
});

it('more than four files in flight share one compact line instead of a line each', async () => {
  const list = path.join(fixture.work, 'many.txt');
  await writeFile(list, Array.from({ length: 6 }, (_, i) => `${fixture.server.url}/part-${i}.bin\n`).join(''));
  const { code, screen } = await runUnderPty(['download', list, '-o', path.join(fixture.work, 'many'), '-j', '6', '--processes', '0']);

  expect(code).toBe(0);
  const frames = screen.split('\x1b[J').map((frame) => frame.split('\r\n'));
  const compact = frames.filter((lines) => /^ {2}6 downloads in flight, [\d.]+ [kM]?B received/.test(lines[1] ?? ''));
  expect(compact.length).toBeGreaterThan(0);
  // The total line and the compact line, no line per file.
  for (const lines of compact) expect(lines.filter((line) => line.includes('.bin  '))).toEqual([]);
  expect(screen).toMatch(/Summary: 6 ok, 0 failed, 37\.7 MB transferred in/);
});
