/**
 * Settings held in memory with the allow-list compiled once per change (style: "compile
 * configuration once"). Refreshed after every PUT by this process and on a short interval, so that
 * several gateway instances on one database converge.
 */
import { parseIpAllowList, type IpAllowList, type Settings } from '@api-token-auth/token-policy';
import type { Logger } from 'pino';
import type { SettingsRepository } from '../store/store.js';

/** Settings plus their compiled allow-list. */
export interface CompiledSettings {
  settings: Settings;
  allowList: IpAllowList;
}

export interface SettingsCache {
  /** Synchronous: the hot path never waits for storage to read settings. */
  current(): CompiledSettings;
  /** Re-read from storage now. */
  refresh(): Promise<CompiledSettings>;
  /** Stop the refresh timer. */
  stop(): void;
}

/** Options of {@link loadSettingsCache}. */
export interface SettingsCacheOptions {
  settings: SettingsRepository;
  /** Background refresh interval (default 5 s); 0 disables it. */
  refreshMs?: number;
  logger?: Logger;
}

/** Compiles settings; storage only ever holds settings that passed `parseSettings`, so this is a bug if it fails. */
export function compileSettings(settings: Settings): CompiledSettings {
  const parsed = parseIpAllowList(settings.ipAllowList);
  if (!parsed.ok) {
    throw new Error(
      `Stored IP allow-list is invalid: ${parsed.errors.map((error) => error.message).join('; ')}`,
    );
  }
  return { settings, allowList: parsed.list };
}

/**
 * Equality of two settings read from storage: the allow-list entry by entry, everything else (small,
 * and whatever fields are added later) through its JSON form.
 */
function sameSettings(a: Settings, b: Settings): boolean {
  const { ipAllowList: rulesA, ...restA } = a;
  const { ipAllowList: rulesB, ...restB } = b;
  return (
    rulesA.length === rulesB.length &&
    rulesA.every((rule, index) => rule === rulesB[index]) &&
    JSON.stringify(restA) === JSON.stringify(restB)
  );
}

/**
 * Reads the settings once and keeps them fresh.
 *
 * @example
 * ```ts
 * const settings = await loadSettingsCache({ settings: store.settings });
 * settings.current().allowList.allows('10.0.0.1');
 * ```
 */
export async function loadSettingsCache(options: SettingsCacheOptions): Promise<SettingsCache> {
  let current = compileSettings(await options.settings.get());
  let refreshing: Promise<CompiledSettings> | null = null;

  async function refresh(): Promise<CompiledSettings> {
    if (refreshing !== null) return refreshing;
    refreshing = (async () => {
      try {
        const next = await options.settings.get();
        // Compiling 10,000 rules takes tens of milliseconds on the event loop (issue 6 profile); the
        // periodic re-read almost always finds the same settings, so only a change is compiled.
        if (!sameSettings(next, current.settings)) current = compileSettings(next);
        return current;
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  }

  const refreshMs = options.refreshMs ?? 5_000;
  const timer =
    refreshMs > 0
      ? setInterval(() => {
          // Keep serving the last good settings when storage hiccups; a failure is logged, not fatal.
          refresh().catch((error: unknown) =>
            options.logger?.warn({ err: error }, 'settings refresh failed'),
          );
        }, refreshMs)
      : null;
  timer?.unref();

  return {
    current: () => current,
    refresh,
    stop() {
      if (timer !== null) clearInterval(timer);
    },
  };
}
