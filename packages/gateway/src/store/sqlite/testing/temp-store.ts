/**
 * Test support: real SQLite stores in fresh temporary directories, and audit events built with the
 * core's constructors. Not exported from the package.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  allTokensDeleted,
  failedLoginsReset,
  settingsChanged,
  tokenCreated,
  tokenDeleted,
  type AllTokensDeletedEvent,
  type FailedLoginsResetEvent,
  type SettingsChange,
  type SettingsChangedEvent,
  type TokenCreatedEvent,
  type TokenDeletedEvent,
} from '@api-token-auth/token-policy';
import type { NewTokenRow, Store, TokenRow } from '../../store.js';
import { openSqliteStore } from '../open-sqlite-store.js';

/** A fresh temporary directory, removed by the returned `cleanup`. */
export function makeTempDir(): { dir: string; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ata-store-'));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Opens stores in one temporary directory and closes/removes them all in `cleanup`. */
export function tempStores(): {
  dir: string;
  file: string;
  open(file?: string): Store;
  cleanup(): Promise<void>;
} {
  const { dir, cleanup } = makeTempDir();
  const opened: Store[] = [];
  const file = path.join(dir, 'gateway.db');
  return {
    dir,
    file,
    open(at = file) {
      const store = openSqliteStore({ path: at });
      opened.push(store);
      return store;
    },
    async cleanup() {
      for (const store of opened) await store.close();
      cleanup();
    },
  };
}

const at = new Date('2025-03-01T10:00:00.000Z');

/** A token row; `overrides` win. */
export function tokenRow(overrides: Partial<NewTokenRow> = {}): NewTokenRow {
  return {
    id: randomUUID().replaceAll('-', '').slice(0, 16),
    owner: 'alice',
    name: 'ci',
    secretHash: '$2b$04$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ',
    createdAt: at,
    expiresAt: new Date('2026-03-01T10:00:00.000Z'),
    createdBy: 'alice',
    ...overrides,
  };
}

const base = (actor: string, subject: string | null, when: Date = at) => ({
  id: randomUUID(),
  at: when,
  actor: { username: actor },
  subject,
  clientAddress: '127.0.0.1',
});

export const events = {
  created(row: Pick<TokenRow, 'id' | 'name' | 'expiresAt' | 'owner'>, actor = row.owner): TokenCreatedEvent {
    return tokenCreated({ ...base(actor, row.owner), token: row });
  },
  deleted(row: TokenRow, actor = row.owner): TokenDeletedEvent {
    return tokenDeleted({ ...base(actor, row.owner), token: row });
  },
  deletedAll(owner: string, rows: TokenRow[], actor = 'admin'): AllTokensDeletedEvent {
    return allTokensDeleted({ ...base(actor, owner), tokenIds: rows.map((row) => row.id) });
  },
  settings(change: SettingsChange, actor = 'admin'): SettingsChangedEvent {
    return settingsChanged({ ...base(actor, null), change });
  },
  reset(key: string, actor = 'admin'): FailedLoginsResetEvent {
    return failedLoginsReset({
      ...base(actor, null),
      key,
      subject: key.startsWith('user:') ? key.slice(5) : null,
    });
  },
};
