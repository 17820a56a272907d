import { afterEach, describe, expect, it } from '@jest/globals';
import { cleanUp, executorCases, isAlive, task } from './support/cases.js';

afterEach(cleanUp);

const ZERO = { queued: 0, running: 0, completed: 0, failed: 0, cancelled: 0, workers: [] };

describe.each(executorCases)('$name: no global state', ({ make, crossesProcesses }) => {
  it('keeps counters and events per executor: one never sees the other\'s tasks', async () => {
    const busy = make(2);
    const idle = make(2);
    const heardByIdle: string[] = [];
    for (const name of ['queued', 'running', 'done', 'failed', 'cancelled', 'bytes'] as const) idle.on(name, () => heardByIdle.push(name));
    let heardByBusy = 0;
    busy.on('done', () => (heardByBusy += 1));

    await Promise.all([busy.submit(task('echo'), 1), busy.submit(task('echo'), 2)]);
    await busy.submit(task('fail'), 'x').exception();

    expect(busy.stats()).toMatchObject({ completed: 2, failed: 1 });
    expect(heardByBusy).toBe(2);
    expect(idle.stats()).toEqual(ZERO);
    expect(heardByIdle).toEqual([]);
  });

  it('drains one executor while another keeps working', async () => {
    const drained = make(1);
    const other = make(1);
    const childOfDrained = await drained.submit<number>(task('pid'));
    await drained.drain({ deadline: 1 });
    await expect(other.submit(task('echo'), 'still here')).resolves.toBe('still here');
    expect(other.stats()).toMatchObject({ completed: 1 });
    if (crossesProcesses) {
      expect(isAlive(childOfDrained)).toBe(false);
      expect(other.stats().workers.filter(isAlive)).toHaveLength(1);
    }
  });
});
