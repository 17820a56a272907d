import { describe, expect, it } from '@jest/globals';
import { chooseProcesses } from '../dist/download/engine-choice.js';
import { toDownloadOptions } from '../dist/download/command.js';

const longList = 64 * 80;

describe("rf download's default engine", () => {
  it('keeps --processes as given, 0 meaning in-process', () => {
    expect(chooseProcesses({ processes: 0, jobs: 64, cores: 32, listBytes: 10 ** 9 })).toBe(0);
    expect(chooseProcesses({ processes: 3, jobs: 1, cores: 1, listBytes: 10 })).toBe(3);
  });

  it('runs in-process below 4 cores, whatever the job (measured: 2 cores, in-process won every set)', () => {
    expect(chooseProcesses({ jobs: 16, cores: 2, listBytes: 10 ** 9 })).toBe(0);
    expect(chooseProcesses({ jobs: 64, cores: 3 })).toBe(0);
  });

  it('runs in-process for few concurrent downloads or a short list', () => {
    expect(chooseProcesses({ jobs: 4, cores: 16, listBytes: 10 ** 9 })).toBe(0);
    expect(chooseProcesses({ jobs: 16, cores: 16, listBytes: longList - 1 })).toBe(0);
  });

  it('otherwise one child per 8 downloads, leaving a core to the coordinator; stdin counts as a long list', () => {
    expect(chooseProcesses({ jobs: 16, cores: 4, listBytes: longList })).toBe(2);
    expect(chooseProcesses({ jobs: 64, cores: 4 })).toBe(3);
    expect(chooseProcesses({ jobs: 8, cores: 8 })).toBe(1);
    expect(chooseProcesses({ jobs: 40, cores: 8 })).toBe(5);
  });

  it('accepts --processes 0 on the command line and still refuses a negative count', () => {
    expect(toDownloadOptions('list.txt', { output: 'out', jobs: '16', retries: '2', processes: '0' }).processes).toBe(0);
    expect(toDownloadOptions('list.txt', { output: 'out', jobs: '16', retries: '2' }).processes).toBeUndefined();
    expect(() => toDownloadOptions('list.txt', { output: 'out', jobs: '16', retries: '2', processes: '-1' })).toThrow(/--processes/);
  });
});
