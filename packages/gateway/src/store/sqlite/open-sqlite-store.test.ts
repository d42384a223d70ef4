import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { defaultSettings } from '@api-token-auth/token-policy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../open-store.js';
import { StoreError } from '../store-error.js';
import { migrations } from './migrations.js';
import { openSqliteStore } from './open-sqlite-store.js';
import { completion, forkChild } from './testing/run-child.js';
import { events, tempStores, tokenRow } from './testing/temp-store.js';

let stores: ReturnType<typeof tempStores>;
beforeEach(() => {
  stores = tempStores();
});
afterEach(() => stores.cleanup());

function openError(file: string): StoreError {
  try {
    openSqliteStore({ path: file }).close();
  } catch (error) {
    if (error instanceof StoreError) return error;
    throw error;
  }
  throw new Error('the store opened');
}

describe('openSqliteStore', () => {
  it('creates the directory and a WAL database at the latest schema version, and logs it', () => {
    const file = path.join(stores.dir, 'nested', 'deeper', 'jira.db');
    const lines: Array<{ fields: object; message: string }> = [];
    const record = (fields: object, message: string) => lines.push({ fields, message });
    const store = openSqliteStore({ path: file, logger: { info: record, warn: record, error: record } });
    void store.close();

    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(raw.pragma('user_version', { simple: true })).toBe(migrations.length);
    } finally {
      raw.close();
    }
    expect(lines).toEqual([
      {
        message: 'database opened',
        fields: {
          path: file,
          schemaVersion: migrations.length,
          migrationsApplied: migrations.map((m) => m.name),
        },
      },
    ]);
  });

  it('answers ping, and refuses every operation after close with STORE_CLOSED', async () => {
    const store = stores.open();
    expect(await store.ping()).toBe(true);
    await store.close();
    await store.close();
    expect(await store.ping()).toBe(false);
    await expect(store.tokens.count()).rejects.toMatchObject({ code: 'STORE_CLOSED' });
    await expect(store.settings.get()).rejects.toMatchObject({ code: 'STORE_CLOSED' });
  });

  it('keeps tokens, settings, counters, audit and pending outbox entries across close and reopen', async () => {
    const first = stores.open();
    const row = tokenRow();
    await first.tokens.create(row, events.created(row));
    const settings = { ...defaultSettings(), adminOnly: true };
    await first.settings.update(settings, [
      events.settings({ field: 'adminOnly', before: false, after: true }),
    ]);
    const policy = { maxAttempts: 5, windowMinutes: 15, lockoutMinutes: 15 };
    const now = new Date('2025-03-01T10:00:00Z');
    await first.failedLogins.recordFailure('user:alice', now, policy);
    await first.tokens.recordLastUse([{ id: row.id, at: now, from: '10.1.2.3' }]);
    await first.close();

    const second = stores.open();
    expect(await second.tokens.findById(row.id)).toEqual({
      ...row,
      lastUsedAt: now,
      lastUsedFrom: '10.1.2.3',
    });
    expect(await second.settings.get()).toEqual(settings);
    expect(await second.failedLogins.list()).toEqual([
      { key: 'user:alice', failures: 1, windowStartedAt: now, lastFailureAt: now, lockedUntil: null },
    ]);
    expect((await second.audit.list({ limit: 10, offset: 0 })).total).toBe(2);
    expect(await second.outbox.backlog()).toBe(2);
  });

  it('tells listeners about appended audit records after commit, not about failed or audit-free writes', async () => {
    const store = stores.open();
    let calls = 0;
    const unsubscribe = store.onAuditAppended?.(() => calls++);
    const row = tokenRow();
    const event = events.created(row);
    await store.tokens.create(row, event);
    expect(calls).toBe(1);
    await expect(store.audit.append(event)).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
    await store.tokens.recordLastUse([{ id: row.id, at: new Date(), from: '::1' }]);
    expect(calls).toBe(1);
    unsubscribe?.();
    await store.audit.append(events.created(tokenRow()));
    expect(calls).toBe(1);
  });

  it('opens through a database URL', async () => {
    const store = openStore(`sqlite:${path.join(stores.dir, 'via-url.db')}`);
    try {
      expect(await store.tokens.count()).toBe(0);
    } finally {
      await store.close();
    }
    expect(fs.existsSync(path.join(stores.dir, 'via-url.db'))).toBe(true);
    expect(() => openStore('mysql://user:secret@db/ata')).toThrow(
      expect.objectContaining({ code: 'STORE_URL_INVALID', message: expect.not.stringContaining('secret') }),
    );
  });
});

describe('openSqliteStore refuses a broken store', () => {
  it('STORE_UNWRITABLE when the parent "directory" is a file', () => {
    const blocker = path.join(stores.dir, 'not-a-dir');
    fs.writeFileSync(blocker, 'x');
    const error = openError(path.join(blocker, 'jira.db'));
    expect(error.code).toBe('STORE_UNWRITABLE');
    expect(error.message).toContain(blocker);
  });

  it('STORE_UNWRITABLE when the path is a directory', () => {
    const dir = path.join(stores.dir, 'a-directory.db');
    fs.mkdirSync(dir);
    expect(openError(dir).code).toBe('STORE_UNWRITABLE');
  });

  it('STORE_UNWRITABLE when the directory is not writable by the process', { timeout: 60_000 }, async () => {
    const dir = path.join(stores.dir, 'read-only');
    fs.mkdirSync(dir, { mode: 0o555 });
    fs.chmodSync(stores.dir, 0o755);
    // root ignores permission bits, so the open runs in a child as an unprivileged user when needed.
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const out = await completion(forkChild('./open-store-child.ts', [path.join(dir, 'jira.db')], asNobody));
    const result = JSON.parse(out.trim()) as { code?: string; message?: string };
    expect(result.code).toBe('STORE_UNWRITABLE');
    expect(result.message).toContain(dir);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('STORE_CORRUPT when the file is garbage', () => {
    fs.writeFileSync(
      stores.file,
      Buffer.from('this is not an SQLite database, just garbage bytes '.repeat(200)),
    );
    const error = openError(stores.file);
    expect(error.code).toBe('STORE_CORRUPT');
    expect(error.message).toContain(stores.file);
  });

  it('STORE_CORRUPT when a page of a real database is damaged (quick_check)', async () => {
    const store = stores.open();
    for (let i = 0; i < 200; i++) {
      const row = tokenRow({ name: `token number ${i} `.repeat(5) });
      await store.tokens.create(row, events.created(row));
    }
    await store.close();
    const bytes = fs.readFileSync(stores.file);
    const pageSize = bytes.readUInt16BE(16);
    // Damage a page in the middle of the file (not the header page).
    const page = Math.floor(bytes.length / pageSize / 2);
    for (let i = 0; i < pageSize; i += 7) bytes[page * pageSize + i] = 0xa5;
    fs.writeFileSync(stores.file, bytes);
    expect(openError(stores.file).code).toBe('STORE_CORRUPT');
  });

  it('STORE_MIGRATION_FAILED when the database is newer than this build', () => {
    stores.open().close();
    const raw = new Database(stores.file);
    raw.pragma(`user_version = ${migrations.length + 1}`);
    raw.close();
    const error = openError(stores.file);
    expect(error.code).toBe('STORE_MIGRATION_FAILED');
    expect(error.message).toContain(stores.file);
  });
});

describe('durability against kill -9', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child?.exitCode === null) child.kill('SIGKILL');
  });

  it(
    'every write a killed process reported committed survives, and no write is half-done',
    { timeout: 60_000 },
    async () => {
      child = forkChild('./write-tokens-child.ts', [stores.file]);
      const committed: string[] = [];
      const exited = new Promise((resolve) => child!.on('exit', resolve));
      await new Promise<void>((resolve) => {
        child!.on('message', (id) => {
          committed.push(String(id));
          if (committed.length === 40) {
            child!.kill('SIGKILL');
            resolve();
          }
        });
      });
      await exited;
      expect(fs.existsSync(`${stores.file}-wal`)).toBe(true);

      const store = stores.open();
      const tokens = await store.tokens.listAll();
      const ids = new Set(tokens.map((row) => row.id));
      for (const id of committed) expect(ids.has(id)).toBe(true);
      // Each token came with its audit record and outbox entry in one transaction.
      const audit = await store.audit.list({ limit: 1000, offset: 0 });
      expect(audit.total).toBe(tokens.length);
      expect(
        new Set(
          audit.records.map((record) => (record.event.type === 'token.created' ? record.event.token.id : '')),
        ),
      ).toEqual(ids);
      expect(await store.outbox.backlog()).toBe(tokens.length);
      const [counter] = await store.failedLogins.list();
      expect(counter?.failures).toBeGreaterThanOrEqual(committed.length);
      expect(counter?.failures).toBeLessThanOrEqual(tokens.length);
    },
  );
});
