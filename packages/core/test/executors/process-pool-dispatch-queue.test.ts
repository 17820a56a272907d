import { describe, expect, it } from '@jest/globals';
import { DispatchQueue } from '../../dist/executors/dispatch-queue.js';

describe('DispatchQueue', () => {
  it('is FIFO, takes a returning task at the front, and removes from the middle', () => {
    const queue = new DispatchQueue<string>();
    queue.push('a');
    const b = queue.push('b');
    queue.push('c');
    queue.unshift('retry');
    expect(queue.values()).toEqual(['retry', 'a', 'b', 'c']);
    expect(queue.remove(b)).toBe(true);
    expect(queue.remove(b)).toBe(false);
    expect(queue.size).toBe(3);
    expect([queue.shift(), queue.shift(), queue.shift(), queue.shift()]).toEqual(['retry', 'a', 'c', undefined]);
    expect(queue.size).toBe(0);
  });

  it('stays consistent when the only entry, the head or the tail is removed', () => {
    const queue = new DispatchQueue<number>();
    const only = queue.push(1);
    queue.remove(only);
    expect(queue.values()).toEqual([]);
    const head = queue.push(1);
    queue.push(2);
    const tail = queue.push(3);
    queue.remove(head);
    queue.remove(tail);
    queue.push(4);
    expect(queue.values()).toEqual([2, 4]);
  });
});
