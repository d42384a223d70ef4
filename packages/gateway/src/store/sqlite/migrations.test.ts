import * as path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, migrations, schemaVersion, type Migration } from './migrations.js';
import { openSqliteStore } from './open-sqlite-store.js';
import { makeTempDir } from './testing/temp-store.js';

let temp: ReturnType<typeof makeTempDir>;
let file: string;
beforeEach(() => {
  temp = makeTempDir();
  file = path.join(temp.dir, 'jira.db');
});
afterEach(() => temp.cleanup());

function indexes(db: Database.Database): string[] {
  return (
    db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
      .all() as Array<{
      name: string;
    }>
  ).map((row) => row.name);
}

describe('migrations', () => {
  it('upgrades a database at version N-1, keeping its data', async () => {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    expect(migrate(db, migrations.slice(0, -1))).toHaveLength(migrations.length - 1);
    expect(schemaVersion(db)).toBe(migrations.length - 1);
    db.prepare(
      `INSERT INTO tokens (id, owner, owner_lc, name, secret_hash, created_at, expires_at, created_by)
       VALUES ('tok1', 'Alice', 'alice', 'ci', '$2b$04$hash', 1735689600000, NULL, 'Alice')`,
    ).run();
    db.close();

    const store = openSqliteStore({ path: file });
    try {
      expect((await store.tokens.listByOwner('ALICE')).map((row) => row.id)).toEqual(['tok1']);
    } finally {
      await store.close();
    }
    const reopened = new Database(file, { readonly: true });
    try {
      expect(schemaVersion(reopened)).toBe(migrations.length);
      expect(indexes(reopened)).toEqual(
        expect.arrayContaining(['tokens_owner_lc_created_at', 'tokens_created_at', 'audit_subject']),
      );
      expect(indexes(reopened)).not.toContain('tokens_owner_lc');
    } finally {
      reopened.close();
    }
  });

  it('applies nothing to an up-to-date database', () => {
    const db = new Database(file);
    try {
      expect(migrate(db)).toHaveLength(migrations.length);
      expect(migrate(db)).toEqual([]);
      expect(schemaVersion(db)).toBe(migrations.length);
    } finally {
      db.close();
    }
  });

  it('rolls a failing step back completely and reports STORE_MIGRATION_FAILED', () => {
    const failing: Migration = {
      name: 'half-done step',
      up(db) {
        db.exec('CREATE TABLE half_done (x INTEGER)');
        db.exec('INSERT INTO no_such_table VALUES (1)');
      },
    };
    const db = new Database(file);
    try {
      expect(() => migrate(db, [...migrations, failing])).toThrow(
        expect.objectContaining({
          code: 'STORE_MIGRATION_FAILED',
          message: expect.stringContaining('half-done step'),
        }),
      );
      expect(schemaVersion(db)).toBe(migrations.length);
      expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half_done'").get()).toBeUndefined();
    } finally {
      db.close();
    }
  });
});
