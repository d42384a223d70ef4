/**
 * Token names (issue 20 item 6: input hygiene). A name is shown in the UI, the audit log, the
 * product's audit log and log lines; characters that are not text there — control characters (NUL,
 * ESC and the rest of C0, DEL, C1), line and paragraph separators, bidirectional overrides and
 * isolates (which make a name read differently from what is stored) — and lone surrogates (not
 * Unicode at all; a JSON body can carry them as `\ud800`) are refused. Invalid UTF-8 in a request body
 * is the gateway's to refuse before the body is parsed.
 */

/** The longest name accepted, in UTF-16 code units after trimming (as the management API counts). */
export const MAX_TOKEN_NAME_LENGTH = 255;

/** Why a token name was refused (stable codes). */
export type TokenNameErrorCode =
  /** Not a string, or empty once surrounding whitespace is trimmed. */
  | 'TOKEN_NAME_REQUIRED'
  /** Longer than {@link MAX_TOKEN_NAME_LENGTH}. */
  | 'TOKEN_NAME_TOO_LONG'
  /** A control, separator or bidirectional-formatting character. */
  | 'TOKEN_NAME_CONTROL_CHARACTER'
  /** A lone surrogate: the text is not valid Unicode. */
  | 'TOKEN_NAME_INVALID_UNICODE';

/** Result of {@link validateTokenName}. */
export type TokenNameResult =
  { ok: true; name: string } | { ok: false; code: TokenNameErrorCode; message: string };

/** Characters refused anywhere in a name (checked after trimming). */
function isForbidden(code: number): boolean {
  return (
    code <= 0x1f ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x2028 ||
    code === 0x2029 ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

function codePoint(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Checks a token name from a request body: trims surrounding whitespace and answers the name to
 * store, or a refusal with a stable code and a message that names the offending character (by code
 * point, never echoing it).
 *
 * @example
 * ```ts
 * validateTokenName('  ci deploy  '); // { ok: true, name: 'ci deploy' }
 * validateTokenName('ci\u001b[31m'); // { ok: false, code: 'TOKEN_NAME_CONTROL_CHARACTER', message: '… U+001B …' }
 * ```
 */
export function validateTokenName(input: unknown): TokenNameResult {
  if (typeof input !== 'string' || input.trim() === '') {
    return { ok: false, code: 'TOKEN_NAME_REQUIRED', message: 'Enter a name for the token' };
  }
  const name = input.trim();
  if (name.length > MAX_TOKEN_NAME_LENGTH) {
    return {
      ok: false,
      code: 'TOKEN_NAME_TOO_LONG',
      message: `The name must be at most ${MAX_TOKEN_NAME_LENGTH} characters long`,
    };
  }
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (isForbidden(code)) {
      return {
        ok: false,
        code: 'TOKEN_NAME_CONTROL_CHARACTER',
        message: `The name contains the control character ${codePoint(code)}; use printable characters only`,
      };
    }
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = name.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i += 1;
        continue;
      }
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      return {
        ok: false,
        code: 'TOKEN_NAME_INVALID_UNICODE',
        message: `The name contains an unpaired surrogate (${codePoint(code)}), which is not text`,
      };
    }
  }
  return { ok: true, name };
}
