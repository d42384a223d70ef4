import Database from 'better-sqlite3';
import { defaultSettings, diffSettings, type Settings } from '@api-token-auth/token-policy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../store.js';
import { events, tempStores } from './testing/temp-store.js';

let stores: ReturnType<typeof tempStores>;
let store: Store;

beforeEach(() => {
  stores = tempStores();
  store = stores.open();
});
afterEach(() => stores.cleanup());

const changed: Settings = {
  maxValidity: '1y',
  ipAllowList: ['10.0.0.0/8', '2001:db8::/32'],
  passwordBasicAuth: false,
  adminOnly: true,
  failedLogins: { maxAttempts: 5, windowMinutes: 10, lockoutMinutes: 30 },
};

/** Overwrite the stored settings row behind the store's back, as a damaged file would. */
function writeRawSettings(file: string, json: string): void {
  const db = new Database(file);
  db.prepare(
    'INSERT INTO settings (id, json) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET json = excluded.json',
  ).run(json);
  db.close();
}

describe('SQLite settings repository', () => {
  it('gives the defaults when never saved', async () => {
    expect(await store.settings.get()).toEqual(defaultSettings());
  });

  it('stores settings with one settings.changed event per field, atomically', async () => {
    const changes = diffSettings(defaultSettings(), changed);
    await store.settings.update(
      changed,
      changes.map((change) => events.settings(change)),
    );
    expect(await store.settings.get()).toEqual(changed);
    const audit = await store.audit.list({ limit: 20, offset: 0 });
    expect(audit.total).toBe(changes.length);
    expect(audit.records.map((record) => record.event.type)).toEqual(changes.map(() => 'settings.changed'));
    expect(await store.outbox.backlog()).toBe(changes.length);
  });

  it('a failing audit write leaves the previous settings in place', async () => {
    const first = events.settings({ field: 'maxValidity', before: 'never', after: '1y' });
    await store.settings.update({ ...defaultSettings(), maxValidity: '1y' }, [first]);
    await expect(
      store.settings.update(changed, [
        events.settings({ field: 'adminOnly', before: false, after: true }),
        first,
      ]),
    ).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
    expect(await store.settings.get()).toEqual({ ...defaultSettings(), maxValidity: '1y' });
    expect((await store.audit.list({ limit: 10, offset: 0 })).total).toBe(1);
  });

  it('refuses to store settings that fail the schema', async () => {
    const invalid = { ...changed, ipAllowList: ['10.0.0.1/33'] };
    await expect(store.settings.update(invalid, [])).rejects.toMatchObject({ code: 'STORE_INVALID_INPUT' });
    expect(await store.settings.get()).toEqual(defaultSettings());
  });

  it.each([
    ['not JSON', '{maxValidity:'],
    ['a wrong type', JSON.stringify({ ...changed, passwordBasicAuth: 'no' })],
    ['an invalid IP rule', JSON.stringify({ ...changed, ipAllowList: ['010.0.0.1'] })],
    ['JSON null', 'null'],
    ['an unknown field', JSON.stringify({ ...changed, extra: 1 })],
  ])('a settings row with %s is STORE_CORRUPT, never silent defaults', async (_what, json) => {
    await store.settings.update(changed, []);
    writeRawSettings(stores.file, json);
    await expect(store.settings.get()).rejects.toMatchObject({ name: 'StoreError', code: 'STORE_CORRUPT' });
  });
});
