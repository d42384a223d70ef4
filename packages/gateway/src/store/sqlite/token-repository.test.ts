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

const day = (n: number) => new Date(Date.UTC(2025, 0, n));

describe('SQLite token repository', () => {
  it('creates a token with its audit record and outbox entry, and finds it by id', async () => {
    const row = tokenRow({ owner: 'Alice', createdBy: 'admin' });
    const event = events.created(row, 'admin');
    await store.tokens.create(row, event);

    expect(await store.tokens.findById(row.id)).toEqual({ ...row, lastUsedAt: null, lastUsedFrom: null });
    expect(await store.tokens.findById('missing')).toBeNull();
    expect(await store.tokens.count()).toBe(1);
    const audit = await store.audit.list({ limit: 10, offset: 0 });
    expect(audit.total).toBe(1);
    expect(audit.records[0]?.event).toEqual(event);
    expect(await store.outbox.backlog()).toBe(1);
  });

  it('keeps a token without expiry as null', async () => {
    const row = tokenRow({ expiresAt: null });
    await store.tokens.create(row, events.created(row));
    expect((await store.tokens.findById(row.id))?.expiresAt).toBeNull();
  });

  it('lists one owner case-insensitively (Unicode, NFC) and everyone, newest first', async () => {
    const rows = [
      tokenRow({ owner: 'alice', name: 'old', createdAt: day(1) }),
      tokenRow({ owner: 'ALICE', name: 'new', createdAt: day(3) }),
      tokenRow({ owner: 'bob', name: 'bob', createdAt: day(2) }),
      tokenRow({ owner: 'J\u00f6rg', name: 'nfc', createdAt: day(4) }),
      tokenRow({ owner: 'alice', name: 'same-time-later', createdAt: day(3) }),
    ];
    for (const row of rows) await store.tokens.create(row, events.created(row));

    expect((await store.tokens.listByOwner('Alice')).map((row) => row.name)).toEqual([
      'same-time-later',
      'new',
      'old',
    ]);
    expect((await store.tokens.listByOwner('jo\u0308rg')).map((row) => row.name)).toEqual(['nfc']);
    expect(await store.tokens.listByOwner('nobody')).toEqual([]);
    expect((await store.tokens.listAll()).map((row) => row.name)).toEqual([
      'nfc',
      'same-time-later',
      'new',
      'bob',
      'old',
    ]);
  });

  it('deletes one token with its audit event built from the row', async () => {
    const row = tokenRow();
    await store.tokens.create(row, events.created(row));
    let seen: string | undefined;
    const deleted = await store.tokens.delete(row.id, (stored) => {
      seen = stored.secretHash;
      return events.deleted(stored, 'admin');
    });
    expect(deleted?.id).toBe(row.id);
    expect(seen).toBe(row.secretHash);
    expect(await store.tokens.findById(row.id)).toBeNull();
    const audit = await store.audit.list({ limit: 10, offset: 0 });
    expect(audit.records.map((record) => record.event.type)).toEqual(['token.deleted', 'token.created']);
  });

  it('deleting an unknown id returns null and writes no audit', async () => {
    let called = false;
    const result = await store.tokens.delete('missing', (row) => {
      called = true;
      return events.deleted(row);
    });
    expect(result).toBeNull();
    expect(called).toBe(false);
    expect((await store.audit.list({ limit: 10, offset: 0 })).total).toBe(0);
  });

  it("deletes all of one owner's tokens with one token.deleted_all event", async () => {
    const mine = [tokenRow({ owner: 'alice' }), tokenRow({ owner: 'Alice' })];
    const other = tokenRow({ owner: 'bob' });
    for (const row of [...mine, other]) await store.tokens.create(row, events.created(row));

    const deleted = await store.tokens.deleteAllForOwner('ALICE', (rows) => events.deletedAll('alice', rows));
    expect(deleted.map((row) => row.id).sort()).toEqual(mine.map((row) => row.id).sort());
    expect(await store.tokens.listByOwner('alice')).toEqual([]);
    expect(await store.tokens.count()).toBe(1);
    const [latest] = (await store.audit.list({ limit: 1, offset: 0 })).records;
    expect(latest?.event).toMatchObject({ type: 'token.deleted_all', count: 2, subject: 'alice' });
  });

  it('deleting all of an owner without tokens deletes nothing and audits nothing', async () => {
    expect(await store.tokens.deleteAllForOwner('carol', (rows) => events.deletedAll('carol', rows))).toEqual(
      [],
    );
    expect((await store.audit.list({ limit: 10, offset: 0 })).total).toBe(0);
  });

  it('records last use in batches, never moving it back, ignoring deleted tokens', async () => {
    const a = tokenRow();
    const b = tokenRow();
    for (const row of [a, b]) await store.tokens.create(row, events.created(row));
    await store.tokens.recordLastUse([
      { id: a.id, at: day(5), from: '10.0.0.1' },
      { id: a.id, at: day(6), from: '10.0.0.2' },
      { id: b.id, at: day(5), from: '::1' },
      { id: 'deleted-meanwhile', at: day(5), from: '10.0.0.9' },
    ]);
    await store.tokens.recordLastUse([{ id: a.id, at: day(4), from: '10.0.0.3' }]);
    await store.tokens.recordLastUse([]);

    expect(await store.tokens.findById(a.id)).toMatchObject({ lastUsedAt: day(6), lastUsedFrom: '10.0.0.2' });
    expect(await store.tokens.findById(b.id)).toMatchObject({ lastUsedAt: day(5), lastUsedFrom: '::1' });
  });

  it('a failure inside the transaction leaves neither the token nor an audit record (duplicate event id)', async () => {
    const first = tokenRow();
    const event = events.created(first);
    await store.tokens.create(first, event);

    const second = tokenRow();
    await expect(
      store.tokens.create(second, { ...event, token: { id: second.id, name: second.name, expiresAt: null } }),
    ).rejects.toMatchObject({ name: 'StoreError', code: 'STORE_CONFLICT' });
    expect(await store.tokens.findById(second.id)).toBeNull();
    expect(await store.tokens.count()).toBe(1);
    expect((await store.audit.list({ limit: 10, offset: 0 })).total).toBe(1);
    expect(await store.outbox.backlog()).toBe(1);
  });

  it('a duplicate token id is a conflict and writes no audit record', async () => {
    const row = tokenRow();
    await store.tokens.create(row, events.created(row));
    await expect(store.tokens.create({ ...row, name: 'again' }, events.created(row))).rejects.toMatchObject({
      code: 'STORE_CONFLICT',
    });
    expect((await store.tokens.findById(row.id))?.name).toBe('ci');
    expect((await store.audit.list({ limit: 10, offset: 0 })).total).toBe(1);
  });

  it('an event builder that throws rolls the deletion back', async () => {
    const row = tokenRow();
    await store.tokens.create(row, events.created(row));
    await expect(
      store.tokens.delete(row.id, () => {
        throw new Error('builder failed');
      }),
    ).rejects.toThrow();
    expect(await store.tokens.findById(row.id)).not.toBeNull();
    await expect(
      store.tokens.deleteAllForOwner('alice', () => {
        throw new Error('builder failed');
      }),
    ).rejects.toThrow();
    expect(await store.tokens.count()).toBe(1);
  });

  it('rejects an invalid date as STORE_INVALID_INPUT without writing', async () => {
    const row = tokenRow({ createdAt: new Date(Number.NaN) });
    await expect(store.tokens.create(row, events.created(tokenRow()))).rejects.toMatchObject({
      code: 'STORE_INVALID_INPUT',
    });
    expect((await store.audit.list({ limit: 10, offset: 0 })).total).toBe(0);
  });
});
