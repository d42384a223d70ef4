/**
 * Child process of the cross-process failed-login test: opens the store file given in argv, waits
 * for "go" (so that all children start together), counts failures and reports the returned states.
 */
import type { FailedLoginPolicy } from '@api-token-auth/token-policy';
import { openSqliteStore } from '../open-sqlite-store.js';

interface Job {
  file: string;
  now: string;
  count: number;
  keys: Array<{ key: string; policy: FailedLoginPolicy }>;
}

const job = JSON.parse(process.argv[2] ?? '{}') as Job;
const store = openSqliteStore({ path: job.file });
// Never outlive the test that started it.
process.on('disconnect', () => process.exit(1));
const send = (message: unknown) => process.send?.(message);

process.on('message', (message) => {
  if (message !== 'go') return;
  void (async () => {
    const results: Record<string, Array<{ failures: number; lockedUntil: string | null }>> = {};
    for (let i = 0; i < job.count; i++) {
      for (const { key, policy } of job.keys) {
        const state = await store.failedLogins.recordFailure(key, new Date(job.now), policy);
        (results[key] ??= []).push({
          failures: state.failures,
          lockedUntil: state.lockedUntil?.toISOString() ?? null,
        });
      }
    }
    await store.close();
    process.removeAllListeners('disconnect');
    send({ results });
    process.disconnect();
  })();
});
send('ready');
