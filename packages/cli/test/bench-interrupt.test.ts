/**
 * Ctrl-C stops a running `rf bench`: the requests in flight are cut off, the
 * partial report is printed (JSON or text), the children are ended and rf
 * exits 130. rf runs as a real process with -d 60s; SIGINT goes to it (or to
 * its whole process group, as a terminal sends it) once its first progress
 * line is out. The server answers each request after 100 ms, so every
 * connection always has one in flight.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { isAlive } from '@requests-futures/testing';
import { runBenchProcess, serveOnLoopback } from './bench-process.js';
import { closeServer } from './helpers.js';

const CONNECTIONS = 4;

describe('rf bench on Ctrl-C', () => {
  let server: Server;
  let url: string;
  let arrived = 0;
  const open = new Set<Socket>();

  beforeAll(async () => {
    ({ server, url } = await serveOnLoopback((_req, res) => {
      arrived += 1;
      setTimeout(() => res.end('ok'), 100);
    }));
    server.on('connection', (socket: Socket) => {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
    });
  });
  afterAll(() => closeServer(server));

  /** Resolves once rf's connections are all closed on the server's side, the last request of each seen. */
  const connectionsClosed = () => Promise.all([...open].map((socket) => once(socket, 'close')));

  const cases = [
    { title: 'in-process, SIGINT to rf', args: [], interrupt: 'rf' as const },
    { title: '--processes 2, SIGINT to rf alone', args: ['--processes', '2'], interrupt: 'rf' as const },
    { title: '--processes 2, SIGINT to the process group (a terminal\'s Ctrl-C)', args: ['--processes', '2'], interrupt: 'group' as const },
  ];
  for (const { title, args, interrupt } of cases) {
    it(`${title}: exit 130, the partial --json report, the ${CONNECTIONS} requests in flight cut off, no process left`, async () => {
      arrived = 0;
      const run = await runBenchProcess([url, '-d', '60s', '-c', String(CONNECTIONS), ...args], { interrupt });
      await connectionsClosed();
      expect(run.code).toBe(130);
      const { report } = run;
      expect(report.interrupted).toBe(true);
      // Stopped after its first second, long before its 60.
      expect(report.durationMs).toBeGreaterThanOrEqual(1_000);
      expect(report.durationMs).toBeLessThan(30_000);
      expect(report.responses).toBeGreaterThan(0);
      expect(report.statusCodes).toEqual({ '200': report.responses });
      expect(report.errors).toEqual({});
      // Every connection had a request at the server when the signal came: cut off, neither answer nor error.
      expect(report.cutOff).toBe(CONNECTIONS);
      // Everything that reached the server is in the report, one way or the other; nothing was sent after.
      expect(arrived).toBe(report.requests + report.cutOff);
      expect(report.processes).toBe(args.length === 0 ? 0 : 2);
      expect(run.survivors).toEqual([]);
      expect(report.pids.filter((pid) => isAlive(pid))).toEqual([]);
    });
  }

  it('--processes 2, Ctrl-C to the process group while the children start: exit 130, an interrupted report, no process left', async () => {
    // A child hit before its task started dies of the signal (node's default), one hit after stops with an empty tally:
    // either way rf reports what ran (little or nothing) and ends the rest.
    const run = await runBenchProcess([url, '-d', '60s', '-c', String(CONNECTIONS), '--processes', '2'], { interrupt: 'group-at-start' });
    await connectionsClosed();
    expect(run.code).toBe(130);
    expect(run.report.interrupted).toBe(true);
    expect(run.report.errors).toEqual({});
    expect(run.report.durationMs).toBeLessThan(30_000);
    expect(run.survivors).toEqual([]);
    expect(run.report.pids.filter((pid) => isAlive(pid))).toEqual([]);
  });

  it('the text report too, saying it was interrupted', async () => {
    const run = await runBenchProcess([url, '-d', '60s', '-c', String(CONNECTIONS)], { interrupt: 'rf', text: true });
    await connectionsClosed();
    expect(run.code).toBe(130);
    expect(run.stdout).toMatch(/^GET /);
    expect(run.stdout).toMatch(/Interrupted after \d+\.\d\d s: the figures cover what ran until then\./);
    expect(run.stdout).toMatch(new RegExp(`, ${CONNECTIONS} cut off at the end`));
    expect(run.survivors).toEqual([]);
  });
});
