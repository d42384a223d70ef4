import { defaultSettings, type Settings } from '@api-token-auth/token-policy';
import { describe, expect, test } from 'vitest';
import type { SettingsRepository } from '../store/store.js';
import { loadSettingsCache } from './settings-cache.js';

/** A settings store that hands out a fresh copy on every read, as a database does. */
function fakeSettings(initial: Settings): SettingsRepository & { set(next: Settings): void } {
  let stored = JSON.stringify(initial);
  return {
    get: () => Promise.resolve(JSON.parse(stored) as Settings),
    update: (next) => {
      stored = JSON.stringify(next);
      return Promise.resolve();
    },
    set(next) {
      stored = JSON.stringify(next);
    },
  };
}

describe('loadSettingsCache', () => {
  test('a re-read that finds the same settings keeps the compiled allow-list; a change compiles anew', async () => {
    const repository = fakeSettings({ ...defaultSettings(), ipAllowList: ['10.0.0.0/8', '2001:db8::/32'] });
    const cache = await loadSettingsCache({ settings: repository, refreshMs: 0 });
    const first = cache.current();
    await cache.refresh();
    expect(cache.current().allowList).toBe(first.allowList);

    repository.set({ ...defaultSettings(), ipAllowList: ['10.0.0.0/8', '192.168.0.0/16'] });
    await cache.refresh();
    expect(cache.current().allowList).not.toBe(first.allowList);
    expect(cache.current().allowList.allows('192.168.1.1')).toBe(true);
    expect(cache.current().allowList.allows('2001:db8::1')).toBe(false);
  });

  test('a change of any other field is picked up too', async () => {
    const repository = fakeSettings(defaultSettings());
    const cache = await loadSettingsCache({ settings: repository, refreshMs: 0 });
    repository.set({
      ...defaultSettings(),
      passwordBasicAuth: false,
      failedLogins: { maxAttempts: 3, windowMinutes: 15, lockoutMinutes: 15 },
    });
    await cache.refresh();
    expect(cache.current().settings.passwordBasicAuth).toBe(false);
    expect(cache.current().settings.failedLogins.maxAttempts).toBe(3);
  });
});
