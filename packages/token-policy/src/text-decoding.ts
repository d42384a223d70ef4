/**
 * Strict base64 and UTF-8 decoding. The core is built without DOM or Node types, so neither `atob`
 * nor `TextDecoder` is assumed; both are small enough to do here, and strictness is the point.
 */

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_VALUES: Int16Array = (() => {
  const values = new Int16Array(128).fill(-1);
  for (let i = 0; i < BASE64_ALPHABET.length; i++) values[BASE64_ALPHABET.charCodeAt(i)] = i;
  return values;
})();

/**
 * Decodes standard base64 (RFC 4648 §4). Padding may be omitted, but where present it must be
 * correct; any other character, or a length that cannot be base64, gives `null`.
 *
 * The bytes come as a plain array: a typed array of more than 64 bytes (a Basic credential with a
 * token is about 66) is allocated outside V8's heap, which cost more than the decoding itself on every
 * Basic request (issue 6).
 */
export function decodeBase64(text: string): number[] | null {
  let end = text.length;
  if (end % 4 === 0 && end > 0 && text.charCodeAt(end - 1) === 0x3d /* = */) {
    end -= text.charCodeAt(end - 2) === 0x3d ? 2 : 1;
  }
  if (end % 4 === 1) return null;
  const out = new Array<number>(Math.floor((end * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? (BASE64_VALUES[code] as number) : -1;
    if (value < 0) return null;
    // Only the last 12 bits are ever read, so the buffer stays a small integer.
    buffer = ((buffer << 6) | value) & 0xfff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buffer >> bits) & 0xff;
    }
  }
  // Leftover bits must be zero, or two different texts would decode to the same bytes.
  if ((buffer & ((1 << bits) - 1)) !== 0) return null;
  return out;
}

/** Decodes well-formed UTF-8; overlong forms, surrogates, values above U+10FFFF and truncation give `null`. */
export function decodeUtf8(bytes: ArrayLike<number>): string | null {
  // Credentials are nearly always ASCII: one pass to check, one call to convert.
  let ascii = true;
  for (let k = 0; k < bytes.length; k++) {
    if ((bytes[k] as number) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return String.fromCharCode.apply(null, bytes as number[]);
  let text = '';
  let i = 0;
  while (i < bytes.length) {
    const first = bytes[i] as number;
    let codePoint: number;
    let extra: number;
    let min: number;
    if (first < 0x80) {
      codePoint = first;
      extra = 0;
      min = 0;
    } else if (first >= 0xc2 && first <= 0xdf) {
      codePoint = first & 0x1f;
      extra = 1;
      min = 0x80;
    } else if (first >= 0xe0 && first <= 0xef) {
      codePoint = first & 0x0f;
      extra = 2;
      min = 0x800;
    } else if (first >= 0xf0 && first <= 0xf4) {
      codePoint = first & 0x07;
      extra = 3;
      min = 0x10000;
    } else {
      return null;
    }
    for (let k = 1; k <= extra; k++) {
      const next = bytes[i + k];
      if (next === undefined || (next & 0xc0) !== 0x80) return null;
      codePoint = (codePoint << 6) | (next & 0x3f);
    }
    if (codePoint < min || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return null;
    text += String.fromCodePoint(codePoint);
    i += extra + 1;
  }
  return text;
}
