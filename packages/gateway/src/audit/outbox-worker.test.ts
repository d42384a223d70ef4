import type { AuditEvent } from '@api-token-auth/token-policy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProductAuditDelivery } from '@api-token-auth/product-port';
import type { Store } from '../store/store.js';
import { events, tempStores, tokenRow } from '../store/sqlite/testing/temp-store.js';
import {
  retryDelayMs,
  startOutboxWorker,
  type OutboxWorker,
  type OutboxWorkerOptions,
} from './outbox-worker.js';

let stores: ReturnType<typeof tempStores>;
let store: Store;
let workers: OutboxWorker[];
let now: Date;
const t0 = new Date('2025-03-01T10:00:00.000Z');
const later = (ms: number) => new Date(now.getTime() + ms);

beforeEach(() => {
  stores = tempStores();
  store = stores.open();
  workers = [];
  now = t0;
});
afterEach(async () => {
  for (const worker of workers) await worker.stop();
  await stores.cleanup();
});

/** A worker on a fake clock with deterministic jitter (the lower bound) that never polls by itself. */
function start(options: Partial<OutboxWorkerOptions> & Pick<OutboxWorkerOptions, 'deliver'>): OutboxWorker {
  const worker = startOutboxWorker({
    store,
    clock: () => now,
    random: () => 0,
    baseDelayMs: 1000,
    maxDelayMs: 60_000,
    pollIntervalMs: 3_600_000,
    ...options,
  });
  workers.push(worker);
  return worker;
}

/** Records every delivered event id, in order; fails while `down` is true. */
function product() {
  const delivered: string[] = [];
  const attempts: string[] = [];
  const state = { down: false, answer: 'delivered' as ProductAuditDelivery };
  const deliver = async (event: AuditEvent): Promise<ProductAuditDelivery> => {
    attempts.push(event.id);
    await Promise.resolve();
    if (state.down) throw new Error('HTTP 503 Service Unavailable');
    delivered.push(event.id);
    return state.answer;
  };
  return { delivered, attempts, state, deliver };
}

/** Appends token events alternating between alice and bob; returns them in append order. */
async function appendEvents(n: number, target: Pick<Store, 'audit'> = store): Promise<AuditEvent[]> {
  const appended: AuditEvent[] = [];
  for (let i = 0; i < n; i++) {
    const event = events.created(tokenRow({ name: `t${i}`, owner: i % 2 === 0 ? 'alice' : 'bob' }));
    await target.audit.append(event);
    appended.push(event);
  }
  return appended;
}

const ids = (list: AuditEvent[]) => list.map((event) => event.id);
const ofSubject = (list: AuditEvent[], subject: string) =>
  ids(list.filter((event) => event.subject === subject));

describe('startOutboxWorker', () => {
  it('delivers everything due oldest first, exactly once, across batches', async () => {
    const appended = await appendEvents(7);
    const target = product();
    const worker = start({ deliver: target.deliver, batchSize: 3 });
    await worker.flush();
    await worker.flush();
    expect(target.delivered).toEqual(ids(appended));
    expect(await worker.backlog()).toBe(0);
    // The local audit log keeps every record.
    expect((await store.audit.list({ limit: 100, offset: 0 })).total).toBe(7);
  });

  it('completes "unsupported" items without retrying them', async () => {
    await appendEvents(3);
    const target = product();
    target.state.answer = 'unsupported';
    const worker = start({ deliver: target.deliver });
    await worker.flush();
    await worker.flush();
    expect(target.attempts).toHaveLength(3);
    expect(await worker.backlog()).toBe(0);
  });

  it('retries with exponential backoff after transient failures, then delivers all in order', async () => {
    const appended = await appendEvents(6);
    const target = product();
    target.state.down = true;
    const worker = start({ deliver: target.deliver, batchSize: 2 });

    await worker.flush();
    // The pass stops at the first failure: nothing behind the head is tried.
    expect(target.attempts).toEqual([appended[0]!.id]);

    // With jitter at its lower bound the n-th retry waits 500 ms, 1 s, 2 s…
    for (const [attempt, delay] of [
      [2, 500],
      [3, 1000],
      [4, 2000],
    ] as const) {
      now = later(delay - 1);
      await worker.flush();
      expect(target.attempts).toHaveLength(attempt - 1);
      now = later(1);
      await worker.flush();
      expect(target.attempts).toHaveLength(attempt);
    }
    expect(await worker.backlog()).toBe(6);
    expect(target.delivered).toEqual([]);

    target.state.down = false;
    now = later(4000);
    await worker.flush();
    expect(target.delivered).toEqual(ids(appended));
    expect(ofSubject(appended, 'alice')).toEqual(
      target.delivered.filter((id) => ofSubject(appended, 'alice').includes(id)),
    );
    expect(await worker.backlog()).toBe(0);
  });

  it('keeps per-subject order when the product fails in the middle of a run', async () => {
    const appended = await appendEvents(8);
    const target = product();
    let calls = 0;
    const worker = start({
      deliver: async (event) => {
        calls++;
        // The 4th and 5th calls fail: the 4th record (bob's) must not be overtaken by later ones.
        target.state.down = calls === 4 || calls === 5;
        return target.deliver(event);
      },
    });
    await worker.flush();
    expect(target.delivered).toEqual(ids(appended.slice(0, 3)));
    now = later(500);
    await worker.flush();
    expect(target.delivered).toEqual(ids(appended.slice(0, 3)));
    now = later(1000);
    await worker.flush();
    expect(target.delivered).toEqual(ids(appended));
    for (const subject of ['alice', 'bob']) {
      expect(target.delivered.filter((id) => ofSubject(appended, subject).includes(id))).toEqual(
        ofSubject(appended, subject),
      );
    }
    expect(new Set(target.delivered).size).toBe(target.delivered.length);
  });

  it('caps the delay at maxDelayMs', async () => {
    await appendEvents(1);
    const target = product();
    target.state.down = true;
    const worker = start({
      deliver: target.deliver,
      baseDelayMs: 1000,
      maxDelayMs: 4000,
      random: () => 0.999999,
    });
    await worker.flush();
    for (let i = 0; i < 6; i++) {
      now = later(4000);
      await worker.flush();
    }
    expect(target.attempts).toHaveLength(7);
  });

  it('completes an item only after delivery succeeded: a lost completion means a redelivery of the same event', async () => {
    const [event] = await appendEvents(1);
    const target = product();
    let failCompletion = true;
    const flaky: Pick<Store, 'outbox'> = {
      outbox: {
        ...store.outbox,
        complete: (seq) => {
          if (failCompletion) {
            failCompletion = false;
            return Promise.reject(new Error('disk I/O error'));
          }
          return store.outbox.complete(seq);
        },
      },
    };
    const worker = start({ store: flaky, deliver: target.deliver });
    await worker.flush();
    expect(await worker.backlog()).toBe(1);
    await worker.flush();
    expect(target.delivered).toEqual([event!.id, event!.id]);
    expect(await worker.backlog()).toBe(0);
  });

  it('never runs two passes at once: overlapping flushes and wake-ups deliver each item once', async () => {
    const appended = await appendEvents(4);
    const target = product();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const worker = start({
      deliver: async (event) => {
        await gate;
        return target.deliver(event);
      },
    });
    const flushes = [worker.flush(), worker.flush()];
    worker.notify();
    await appendEvents(1);
    release();
    await Promise.all(flushes);
    await worker.flush();
    expect(target.delivered).toHaveLength(5);
    expect(target.delivered.slice(0, 4)).toEqual(ids(appended));
  });

  it('wakes up when the store appends a record, without waiting for the poll', async () => {
    const target = product();
    const first = new Promise<string>((resolve) => {
      start({
        deliver: async (event) => {
          resolve(event.id);
          return target.deliver(event);
        },
      });
    });
    const [event] = await appendEvents(1);
    expect(await first).toBe(event!.id);
  });

  it('stop() delivers what is due one last time, then ignores wake-ups', async () => {
    const target = product();
    // A store without append notifications: only flush, stop and the poll deliver.
    const worker = start({ store: { outbox: store.outbox }, deliver: target.deliver });
    await worker.flush();
    const appended = await appendEvents(3);
    expect(target.delivered).toEqual([]);
    await worker.stop();
    expect(target.delivered).toEqual(ids(appended));
    await worker.stop();

    await appendEvents(1);
    worker.notify();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(target.attempts).toHaveLength(3);
    expect(await worker.backlog()).toBe(1);
  });

  it('a store failure ends the pass without losing items', async () => {
    await appendEvents(2);
    const target = product();
    const logged: string[] = [];
    let broken = true;
    const worker = start({
      store: {
        outbox: {
          ...store.outbox,
          due: (at, limit) =>
            broken ? Promise.reject(new Error('database is locked')) : store.outbox.due(at, limit),
        },
      },
      deliver: target.deliver,
      logger: { info: () => {}, warn: () => {}, error: (_fields, message) => logged.push(message) },
    });
    await worker.flush();
    expect(logged).toContain('audit outbox pass failed');
    broken = false;
    await worker.flush();
    expect(target.delivered).toHaveLength(2);
  });
});

describe('retryDelayMs', () => {
  const options = { baseDelayMs: 1000, maxDelayMs: 60_000 };
  it.each([
    [1, 0, 500],
    [1, 0.5, 750],
    [1, 1, 1000],
    [2, 0, 1000],
    [3, 0, 2000],
    [7, 1, 60_000],
    [7, 0, 30_000],
    [60, 0.5, 45_000],
    [2000, 1, 60_000],
  ])('attempt %d with jitter %d waits %d ms', (attempt, jitter, expected) => {
    expect(retryDelayMs(attempt, { ...options, random: () => jitter })).toBe(expected);
  });

  it('never waits zero', () => {
    expect(retryDelayMs(1, { baseDelayMs: 0, maxDelayMs: 0, random: () => 0 })).toBe(1);
  });
});
