import { afterEach, describe, expect, test, vi } from 'vitest';
import { createSystemClock } from './clock.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('createSystemClock', () => {
  test('reads the wall-clock time to the millisecond, before and after it sets itself again', async () => {
    const clock = createSystemClock(200);
    for (let i = 0; i < 6; i++) {
      const before = Date.now();
      const read = clock.now();
      const after = Date.now();
      expect(Number.isInteger(read)).toBe(true);
      expect(read).toBeGreaterThanOrEqual(before - 1);
      expect(read).toBeLessThanOrEqual(after + 1);
      await pause(90);
    }
  });

  test('gives the same Date within a millisecond, and a Date of the time read', async () => {
    const clock = createSystemClock();
    const first = clock.date();
    expect(Math.abs(first.getTime() - clock.now())).toBeLessThanOrEqual(1);
    await pause(5);
    const later = clock.date();
    expect(later).not.toBe(first);
    expect(later.getTime()).toBeGreaterThan(first.getTime());
    let same = 0;
    for (let i = 0; i < 1_000; i++) if (clock.date() === clock.date()) same += 1;
    // Two reads fall into different milliseconds only when a millisecond ends between them.
    expect(same).toBeGreaterThan(900);
  });

  test('follows a step of the wall clock once it sets itself again', async () => {
    const clock = createSystemClock(20);
    const start = clock.now();
    const realNow = Date.now.bind(Date);
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() + 3_600_000);
    expect(clock.now() - start).toBeLessThan(1_000); // within the setting's second: not yet
    await pause(30);
    expect(clock.now() - start).toBeGreaterThanOrEqual(3_600_000);
    expect(clock.date().getTime() - start).toBeGreaterThanOrEqual(3_600_000);
  });
});
