/**
 * System-wide settings: the zod schema of `GET/PUT /admin/settings` (DESIGN §2) with its defaults,
 * field-keyed validation errors, and the per-field diff the audit log records.
 */
import { z } from 'zod';
import { parseIpAllowList } from './ip-allow-list.js';
import type { FailedLoginSettings, Settings } from './types.js';

/** Most allow-list entries accepted (a compiled list of this size still answers in microseconds). */
export const MAX_IP_ALLOW_LIST_ENTRIES = 10_000;

/** Longest failed-login window the settings accept (one day). */
export const MAX_FAILED_LOGIN_WINDOW_MINUTES = 1440;

/** Longest lockout the settings accept (one week). */
export const MAX_LOCKOUT_MINUTES = 10_080;

/** Highest address threshold (`failedLogins.maxAttemptsPerAddress`) the settings accept. */
export const MAX_ATTEMPTS_PER_ADDRESS = 100_000;

/**
 * The automatic address threshold is this many times the user threshold (issue 20 item 3: "its own,
 * much higher threshold, default ≥ 10× the user threshold").
 */
export const ADDRESS_THRESHOLD_FACTOR = 10;

function boundedInteger(min: number, max: number, fallback: number) {
  const error = `must be a whole number from ${min} to ${max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error }).default(fallback);
}

function failedLoginsSchema() {
  const perAddressError = `must be a whole number from 1 to ${MAX_ATTEMPTS_PER_ADDRESS}, or null for automatic`;
  return z
    .strictObject(
      {
        maxAttempts: boundedInteger(1, 1000, 10),
        windowMinutes: boundedInteger(1, MAX_FAILED_LOGIN_WINDOW_MINUTES, 15),
        lockoutMinutes: boundedInteger(1, MAX_LOCKOUT_MINUTES, 15),
        // Optional, so that settings saved by an earlier release (which has no such field) still load;
        // `null` in a PUT goes back to automatic.
        maxAttemptsPerAddress: z
          .number({ error: perAddressError })
          .int({ error: perAddressError })
          .min(1, { error: perAddressError })
          .max(MAX_ATTEMPTS_PER_ADDRESS, { error: perAddressError })
          .nullable()
          .optional(),
      },
      { error: 'must be an object with maxAttempts, windowMinutes and lockoutMinutes' },
    )
    .superRefine((value, ctx) => {
      const perAddress = value.maxAttemptsPerAddress;
      if (perAddress !== null && perAddress !== undefined && perAddress < value.maxAttempts) {
        ctx.addIssue({
          code: 'custom',
          path: ['maxAttemptsPerAddress'],
          message: `must be at least maxAttempts (${value.maxAttempts}): an address is shared by several users`,
          input: perAddress,
        });
      }
    })
    .transform(({ maxAttemptsPerAddress, ...rest }): FailedLoginSettings =>
      maxAttemptsPerAddress === null || maxAttemptsPerAddress === undefined
        ? rest
        : { ...rest, maxAttemptsPerAddress },
    );
}

/**
 * The settings schema. Every field has a default (`maxValidity: 'never'`, empty allow-list, password
 * Basic auth allowed, not admin-only, failed logins 10 attempts / 15 min window / 15 min lockout, the
 * address threshold automatic), so `settingsSchema.parse({})` gives the defaults. Objects are strict (unknown keys are errors) and the
 * allow-list entries are checked with {@link parseIpAllowList}.
 *
 * @example
 * ```ts
 * const settings = settingsSchema.parse({ maxValidity: '1y' });
 * settings.failedLogins.maxAttempts; // 10
 * ```
 */
export const settingsSchema = z.strictObject(
  {
    maxValidity: z
      .enum(['6m', '1y', '2y', 'never'], { error: 'must be one of 6m, 1y, 2y, never' })
      .default('never'),
    ipAllowList: z
      .array(z.string({ error: 'must be a string' }), { error: 'must be a list of strings' })
      .max(MAX_IP_ALLOW_LIST_ENTRIES, {
        error: `must not have more than 10,000 entries`,
      })
      .superRefine((entries, ctx) => {
        const parsed = parseIpAllowList(entries);
        if (parsed.ok) return;
        for (const error of parsed.errors) {
          ctx.addIssue({ code: 'custom', message: error.message, path: [error.index], input: error.entry });
        }
      })
      .default(() => []),
    passwordBasicAuth: z.boolean({ error: 'must be true or false' }).default(true),
    adminOnly: z.boolean({ error: 'must be true or false' }).default(false),
    failedLogins: failedLoginsSchema().default(() => ({
      maxAttempts: 10,
      windowMinutes: 15,
      lockoutMinutes: 15,
    })),
  },
  { error: 'settings must be a JSON object' },
);

// The schema's output must stay exactly the shared `Settings` type.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const settingsTypeMatches: Same<z.output<typeof settingsSchema>, Settings> = true;
void settingsTypeMatches;

/**
 * The default settings (a fresh object each call).
 *
 * @example
 * ```ts
 * defaultSettings().maxValidity; // 'never'
 * ```
 */
export function defaultSettings(): Settings {
  return settingsSchema.parse({});
}

/** Result of {@link parseSettings}. */
export type ParseSettingsResult =
  | { ok: true; settings: Settings }
  | {
      ok: false;
      /**
       * Readable messages keyed by field path (`maxValidity`, `ipAllowList.2`,
       * `failedLogins.maxAttempts`); `settings` for the body as a whole. One message per field.
       */
      errors: Record<string, string>;
    };

/** The key of the body as a whole in {@link ParseSettingsResult} errors. */
const ROOT_KEY = 'settings';

/**
 * Validates settings (e.g. a `PUT /admin/settings` body), filling in defaults for omitted fields.
 *
 * @example
 * ```ts
 * parseSettings({ ipAllowList: ['10.0.0.0/8', '010.0.0.1'], failedLogins: { maxAttempts: 0 } });
 * // { ok: false, errors: {
 * //   'ipAllowList.1': '"010.0.0.1" is not a valid IP address: leading zeros are not allowed …',
 * //   'failedLogins.maxAttempts': 'must be a whole number from 1 to 1000' } }
 * ```
 */
export function parseSettings(input: unknown): ParseSettingsResult {
  const result = settingsSchema.safeParse(input);
  if (result.success) return { ok: true, settings: result.data };
  const errors: Record<string, string> = {};
  const add = (path: ReadonlyArray<PropertyKey>, message: string): void => {
    const key = path.length === 0 ? ROOT_KEY : path.map(String).join('.');
    errors[key] ??= message;
  };
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) add([...issue.path, key], 'is not a known setting');
    } else {
      add(issue.path, issue.message);
    }
  }
  return { ok: false, errors };
}

/** A settings field the audit log names: top-level fields and `failedLogins.*`. */
export type SettingsField =
  | 'maxValidity'
  | 'ipAllowList'
  | 'passwordBasicAuth'
  | 'adminOnly'
  | 'failedLogins.maxAttempts'
  | 'failedLogins.windowMinutes'
  | 'failedLogins.lockoutMinutes'
  | 'failedLogins.maxAttemptsPerAddress';

/** A settings value as recorded in the audit log (JSON). */
export type SettingsValue = string | number | boolean | string[];

/** One changed field. */
export interface SettingsChange {
  field: SettingsField;
  before: SettingsValue;
  after: SettingsValue;
}

const FIELDS: ReadonlyArray<[SettingsField, (settings: Settings) => SettingsValue]> = [
  ['maxValidity', (s) => s.maxValidity],
  ['ipAllowList', (s) => [...s.ipAllowList]],
  ['passwordBasicAuth', (s) => s.passwordBasicAuth],
  ['adminOnly', (s) => s.adminOnly],
  ['failedLogins.maxAttempts', (s) => s.failedLogins.maxAttempts],
  ['failedLogins.windowMinutes', (s) => s.failedLogins.windowMinutes],
  ['failedLogins.lockoutMinutes', (s) => s.failedLogins.lockoutMinutes],
];

/**
 * The address threshold in force: the explicit `maxAttemptsPerAddress`, or automatically
 * {@link ADDRESS_THRESHOLD_FACTOR} × `maxAttempts`; never below `maxAttempts`.
 *
 * @example
 * ```ts
 * addressMaxAttempts({ maxAttempts: 10, windowMinutes: 15, lockoutMinutes: 15 }); // 100
 * addressMaxAttempts({ maxAttempts: 10, windowMinutes: 15, lockoutMinutes: 15, maxAttemptsPerAddress: 40 }); // 40
 * ```
 */
export function addressMaxAttempts(failedLogins: FailedLoginSettings): number {
  const explicit = failedLogins.maxAttemptsPerAddress;
  const automatic = Math.min(failedLogins.maxAttempts * ADDRESS_THRESHOLD_FACTOR, MAX_ATTEMPTS_PER_ADDRESS);
  return Math.max(failedLogins.maxAttempts, explicit ?? automatic);
}

function sameValue(a: SettingsValue, b: SettingsValue): boolean {
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, i) => item === b[i]);
  return a === b;
}

/**
 * The fields that differ between two settings, in a fixed order; one `settings.changed` audit event
 * is written per entry. The allow-list is compared as an ordered list. `failedLogins.maxAttemptsPerAddress`
 * is recorded with the thresholds in force ({@link addressMaxAttempts}) when it is set on either side
 * and that threshold changes; a change of `maxAttempts` that moves only the automatic value is recorded
 * as that change alone.
 *
 * @example
 * ```ts
 * diffSettings(defaultSettings(), { ...defaultSettings(), maxValidity: '1y' });
 * // [{ field: 'maxValidity', before: 'never', after: '1y' }]
 * ```
 */
export function diffSettings(before: Settings, after: Settings): SettingsChange[] {
  const changes: SettingsChange[] = [];
  for (const [field, read] of FIELDS) {
    const a = read(before);
    const b = read(after);
    if (!sameValue(a, b)) changes.push({ field, before: a, after: b });
  }
  const explicit =
    before.failedLogins.maxAttemptsPerAddress !== undefined ||
    after.failedLogins.maxAttemptsPerAddress !== undefined;
  const a = addressMaxAttempts(before.failedLogins);
  const b = addressMaxAttempts(after.failedLogins);
  if (explicit && a !== b) changes.push({ field: 'failedLogins.maxAttemptsPerAddress', before: a, after: b });
  return changes;
}
