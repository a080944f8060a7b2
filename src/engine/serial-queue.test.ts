import { describe, expect, it } from 'vitest';
import { SerialQueue } from './serial-queue.ts';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('SerialQueue', () => {
  it('never runs two tasks at once and keeps call order, even past a failure', async () => {
    const queue = new SerialQueue();
    let active = 0;
    let maxActive = 0;
    const order: number[] = [];
    const task = (i: number, fail = false) => async () => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      await tick(5 - i);
      order.push(i);
      active -= 1;
      if (fail) throw new Error(`task ${i} failed`);
      return i;
    };
    const results = [0, 1, 2, 3, 4].map((i) => queue.run(task(i, i === 2)));
    expect(queue.pending).toBe(5);
    const settled = await Promise.allSettled(results);
    expect(maxActive).toBe(1);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(settled[2]?.status).toBe('rejected');
    expect(settled.filter((s) => s.status === 'fulfilled').map((s) => (s as PromiseFulfilledResult<number>).value)).toEqual([0, 1, 3, 4]);
    expect(queue.pending).toBe(0);
  });
});
