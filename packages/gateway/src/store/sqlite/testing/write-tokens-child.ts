/**
 * Child process of the crash test: creates tokens (each with its audit record) as fast as it can on
 * the store file in argv[2] and reports each committed id to the parent, until it is killed.
 */
import { openSqliteStore } from '../open-sqlite-store.js';
import { events, tokenRow } from './temp-store.js';

// Never outlive the test that started it.
process.on('disconnect', () => process.exit(1));
const store = openSqliteStore({ path: process.argv[2] ?? '' });
for (;;) {
  const row = tokenRow({ createdAt: new Date() });
  await store.tokens.create(row, events.created(row));
  await store.failedLogins.recordFailure('ip:10.0.0.1', new Date('2025-01-01T00:00:00Z'), {
    maxAttempts: 1000,
    windowMinutes: 60,
    lockoutMinutes: 1,
  });
  await new Promise<void>((resolve) =>
    process.send?.(row.id, (error: Error | null) => (error === null ? resolve() : process.exit(1))),
  );
}
