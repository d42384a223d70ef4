import {
  defaultSettings,
  settingsSchema,
  type AuditEvent,
  type Settings,
} from '@api-token-auth/token-policy';
import { StoreError } from '../store-error.js';
import type { SettingsRepository } from '../store.js';
import type { AuditWriter } from './audit-writer.js';
import type { SqliteContext } from './sqlite-context.js';
import { operate } from './sqlite-context.js';

/**
 * The SQLite {@link SettingsRepository}: one JSON row, validated with the core's `settingsSchema` on
 * every read. A row that fails validation is `STORE_CORRUPT` — silently falling back to defaults could
 * re-enable password auth or drop an IP allow-list an admin set.
 */
export function createSettingsRepository(ctx: SqliteContext, audit: AuditWriter): SettingsRepository {
  const { db } = ctx;
  const select = db.prepare<[], { json: string }>('SELECT json FROM settings WHERE id = 1');
  const upsert = db.prepare<[string]>(
    'INSERT INTO settings (id, json) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET json = excluded.json',
  );

  // The last row text read and what it validated to. The gateway polls settings every few seconds (other
  // instances may change them); re-validating an unchanged 10,000-rule allow-list cost ~100 ms each time.
  let lastRead: { text: string; settings: Settings } | null = null;

  function read(): Settings {
    const row = select.get();
    if (row === undefined) return defaultSettings();
    if (lastRead !== null && lastRead.text === row.json) return structuredClone(lastRead.settings);
    let json: unknown;
    try {
      json = JSON.parse(row.json);
    } catch (error) {
      throw new StoreError(
        'STORE_CORRUPT',
        `The settings row of the database "${ctx.path}" is not valid JSON`,
        {
          cause: error,
        },
      );
    }
    const parsed = settingsSchema.safeParse(json);
    if (!parsed.success) {
      throw new StoreError(
        'STORE_CORRUPT',
        `The settings row of the database "${ctx.path}" is invalid: ${parsed.error.issues
          .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
          .join('; ')}`,
        { cause: parsed.error },
      );
    }
    lastRead = { text: row.json, settings: parsed.data };
    return structuredClone(parsed.data);
  }

  const updateTx = db.transaction((next: Settings, events: AuditEvent[]) => {
    upsert.run(JSON.stringify(next));
    for (const event of events) audit.append(event);
  });

  return {
    get: () => operate(ctx, read),
    update: (next, events) =>
      operate(ctx, () => {
        // Refuse to store what `get` would later reject: the API validates first, this is the backstop.
        const parsed = settingsSchema.safeParse(next);
        if (!parsed.success) {
          throw new StoreError('STORE_INVALID_INPUT', 'Settings to store do not pass the settings schema', {
            cause: parsed.error,
          });
        }
        updateTx.immediate(parsed.data, events);
        if (events.length > 0) ctx.auditAppended();
      }),
  };
}
