const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The username an identity header names, read as a header authenticator on the real product must read
 * it (issue 20 item 4). The gateway sends the UTF-8 bytes of the name (`josé` is `6a 6f 73 c3 a9` on the
 * wire). Node — like Tomcat's `HttpServletRequest.getHeader`, which a Seraph authenticator calls — hands
 * each header byte over as one ISO-8859-1 character, so the characters are turned back into the bytes
 * and those decoded as UTF-8 (in Java: `new String(value.getBytes(ISO_8859_1), UTF_8)`). Bytes that are
 * not UTF-8 name nobody (`null`): a lenient decoder would turn them into U+FFFD and could match a user
 * who really has such a character in their name.
 *
 * @example
 * ```ts
 * readIdentityHeader('jos\u00c3\u00a9'); // 'josé' (the header as Node gives it)
 * readIdentityHeader('\u00ff'); // null
 * ```
 */
export function readIdentityHeader(value: string): string | null {
  try {
    return utf8.decode(Buffer.from(value, 'latin1')).trim();
  } catch {
    return null;
  }
}
