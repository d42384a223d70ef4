import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../store.js';
import { events, tempStores, tokenRow } from './testing/temp-store.js';

let stores: ReturnType<typeof tempStores>;
let store: Store;

beforeEach(() => {
  stores = tempStores();
  store = stores.open();
});
afterEach(() => stores.cleanup());

const t0 = new Date('2025-03-01T10:00:00.000Z');
const seconds = (n: number) => new Date(t0.getTime() + n * 1000);

async function appendMany(n: number) {
  const appended = [];
  for (let i = 0; i < n; i++) {
    const event = events.created(tokenRow({ name: `t${i}`, owner: i % 2 === 0 ? 'alice' : 'bob' }));
    await store.audit.append(event);
    appended.push(event);
  }
  return appended;
}

describe('SQLite audit repository', () => {
  it('appends events and pages through them newest first', async () => {
    const appended = await appendMany(5);
    const first = await store.audit.list({ limit: 2, offset: 0 });
    expect(first.total).toBe(5);
    expect(first.records.map((record) => record.event)).toEqual([appended[4], appended[3]]);
    const last = await store.audit.list({ limit: 2, offset: 4 });
    expect(last.records.map((record) => record.event)).toEqual([appended[0]]);
    expect(last.records[0]?.seq).toBeLessThan(first.records[1]?.seq ?? 0);
    expect((await store.audit.list({ limit: 10, offset: 10 })).records).toEqual([]);
    expect(await store.outbox.backlog()).toBe(5);
  });

  it('refuses a duplicate event id, leaving one record and one outbox entry', async () => {
    const [event] = await appendMany(1);
    await expect(store.audit.append(event!)).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
    expect((await store.audit.list({ limit: 10, offset: 0 })).total).toBe(1);
    expect(await store.outbox.backlog()).toBe(1);
  });

  it.each([
    [{ limit: -1, offset: 0 }],
    [{ limit: 1.5, offset: 0 }],
    [{ limit: 10, offset: -3 }],
    [{ limit: Number.NaN, offset: 0 }],
  ])('rejects a bad page %j as STORE_INVALID_INPUT', async (page) => {
    await expect(store.audit.list(page)).rejects.toMatchObject({ code: 'STORE_INVALID_INPUT' });
  });

  it('rejects an event with an invalid time', async () => {
    const [event] = await appendMany(1);
    await expect(store.audit.append({ ...event!, id: 'other', at: 'yesterday' })).rejects.toMatchObject({
      code: 'STORE_INVALID_INPUT',
    });
  });
});

describe('SQLite outbox repository', () => {
  it('gives due items oldest first, up to the limit, and completes them', async () => {
    const appended = await appendMany(3);
    const due = await store.outbox.due(t0, 2);
    expect(due.map((item) => item.event)).toEqual([appended[0], appended[1]]);
    expect(due[0]).toMatchObject({ attempts: 0 });
    await store.outbox.complete(due[0]!.seq);
    await store.outbox.complete(due[0]!.seq);
    expect((await store.outbox.due(t0, 10)).map((item) => item.event)).toEqual([appended[1], appended[2]]);
    expect(await store.outbox.backlog()).toBe(2);
    // The audit log keeps everything: completing only leaves the outbox.
    expect((await store.audit.list({ limit: 10, offset: 0 })).total).toBe(3);
  });

  it('holds back everything behind an item waiting for its retry, and counts attempts', async () => {
    const appended = await appendMany(3);
    const [head] = await store.outbox.due(t0, 1);
    await store.outbox.retryLater(head!.seq, seconds(30), 'HTTP 503 from the product');
    expect(await store.outbox.due(seconds(29), 10)).toEqual([]);
    const due = await store.outbox.due(seconds(30), 10);
    expect(due.map((item) => item.event)).toEqual(appended);
    expect(due[0]).toMatchObject({ attempts: 1, nextAttemptAt: seconds(30) });

    // A later item waiting (e.g. after a crash between passes) holds back only what follows it.
    await store.outbox.retryLater(due[1]!.seq, seconds(60), 'timeout');
    expect((await store.outbox.due(seconds(30), 10)).map((item) => item.event)).toEqual([appended[0]]);
  });

  it('truncates a long error message', async () => {
    await appendMany(1);
    const [head] = await store.outbox.due(t0, 1);
    await store.outbox.retryLater(head!.seq, seconds(1), 'x'.repeat(100_000));
    const raw = new Database(stores.file, { readonly: true });
    try {
      expect(raw.prepare('SELECT length(last_error) AS n FROM outbox').get()).toEqual({ n: 500 });
    } finally {
      raw.close();
    }
  });

  it('rejects a non-positive limit', async () => {
    await expect(store.outbox.due(t0, 0)).rejects.toMatchObject({ code: 'STORE_INVALID_INPUT' });
  });
});
