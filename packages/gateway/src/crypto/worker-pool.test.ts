import { afterEach, describe, expect, test } from 'vitest';
import { CryptoError } from './crypto-error.js';
import { createWorkerPool, type WorkerPool } from './worker-pool.js';

const SOURCE = `
function handle(job) {
  if (job.kind === 'crash') process.exit(3);
  if (job.kind === 'throw') throw new Error('bad input');
  if (job.kind === 'spin') { const end = Date.now() + job.ms; while (Date.now() < end) {} return job.value; }
  return job.value * 2;
}
`;

type Job =
  | { kind: 'double'; value: number }
  | { kind: 'crash' }
  | { kind: 'throw' }
  | { kind: 'spin'; ms: number; value: number };

const pools: Array<WorkerPool<Job, number>> = [];
function pool(size: number): WorkerPool<Job, number> {
  const created = createWorkerPool<Job, number>({ size, source: SOURCE });
  pools.push(created);
  return created;
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe('createWorkerPool', () => {
  test('runs jobs and returns their results', async () => {
    const p = pool(2);
    await expect(
      Promise.all([1, 2, 3, 4, 5].map((value) => p.run({ kind: 'double', value }))),
    ).resolves.toEqual([2, 4, 6, 8, 10]);
  });

  test('a job that throws rejects with JOB_FAILED and the worker stays', async () => {
    const p = pool(1);
    await expect(p.run({ kind: 'throw' })).rejects.toMatchObject({ code: 'JOB_FAILED' });
    await expect(p.run({ kind: 'double', value: 4 })).resolves.toBe(8);
  });

  test('a crashing worker rejects only its own job with WORKER_FAILED and is replaced', async () => {
    const p = pool(2);
    const slow = p.run({ kind: 'spin', ms: 200, value: 7 });
    const crash = p.run({ kind: 'crash' });
    await expect(crash).rejects.toBeInstanceOf(CryptoError);
    await expect(crash).rejects.toMatchObject({ code: 'WORKER_FAILED' });
    await expect(slow).resolves.toBe(7);
    await expect(p.run({ kind: 'double', value: 21 })).resolves.toBe(42);
    expect(p.size()).toBe(2);
  });

  test('jobs queued behind a crash still run', async () => {
    const p = pool(1);
    const crash = p.run({ kind: 'crash' });
    const queued = [p.run({ kind: 'double', value: 1 }), p.run({ kind: 'double', value: 2 })];
    await expect(crash).rejects.toMatchObject({ code: 'WORKER_FAILED' });
    await expect(Promise.all(queued)).resolves.toEqual([2, 4]);
  });

  test('close rejects running and queued jobs with CLOSED and terminates the workers', async () => {
    const p = pool(1);
    const running = expect(p.run({ kind: 'spin', ms: 2_000, value: 1 })).rejects.toMatchObject({
      code: 'CLOSED',
    });
    const queued = expect(p.run({ kind: 'double', value: 1 })).rejects.toMatchObject({ code: 'CLOSED' });
    await p.close();
    await running;
    await queued;
    expect(p.size()).toBe(0);
    await expect(p.run({ kind: 'double', value: 1 })).rejects.toMatchObject({ code: 'CLOSED' });
  });

  test.each([0, -1, 1.5, Number.NaN])('refuses size %s', (size) => {
    expect(() => createWorkerPool({ size, source: SOURCE })).toThrow(TypeError);
  });
});
