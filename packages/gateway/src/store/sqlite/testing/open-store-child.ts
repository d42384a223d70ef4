/**
 * Child process of the "unwritable directory" test, run as an unprivileged user: tries to open the
 * store at argv[2] and prints the outcome as one JSON line.
 */
import { StoreError } from '../../store-error.js';
import { openSqliteStore } from '../open-sqlite-store.js';

try {
  const store = openSqliteStore({ path: process.argv[2] ?? '' });
  await store.close();
  console.log(JSON.stringify({ ok: true }));
} catch (error) {
  console.log(
    JSON.stringify(
      error instanceof StoreError
        ? { code: error.code, message: error.message }
        : { unexpected: String(error) },
    ),
  );
}
