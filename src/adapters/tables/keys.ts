/**
 * PartitionKey/RowKey may not contain / \ # ? or control characters (U+0000–U+001F, U+007F–U+009F),
 * and keys travel inside OData URLs, so we never put raw text in a key. `encodeKey` keeps the safe
 * characters of ids readable (GUIDs pass through unchanged) and writes every other UTF-8 byte as
 * `!XX`; `!` itself is escaped, so the encoding is reversible and two different inputs never collide.
 *   "a/b"  → "a!2Fb"      "Zoë"  → "Zo!C3!AB"
 */
const SAFE_KEY_CHARACTER = /[A-Za-z0-9\-_.~:@]/;

const ALL_SAFE = /^[A-Za-z0-9\-_.~:@]+$/;

export function encodeKey(raw: string): string {
  if (ALL_SAFE.test(raw) && raw.length <= 512) return raw; // GUIDs and generated ids: the common case, no copying
  let encoded = '';
  for (const character of raw) {
    if (SAFE_KEY_CHARACTER.test(character)) {
      encoded += character;
    } else {
      for (const byte of Buffer.from(character, 'utf8')) encoded += `!${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  if (encoded.length === 0) throw new Error('a table key cannot be empty');
  // 1 KiB is the documented maximum for a key; UTF-16, so 512 characters.
  if (encoded.length > 512) throw new Error(`a table key is limited to 512 characters once encoded (got ${encoded.length})`);
  return encoded;
}

export function decodeKey(encoded: string): string {
  if (!encoded.includes('!')) return encoded; // ids and most keys: nothing was escaped
  // Byte by byte in one buffer: '!' and hex digits are ASCII, so escapes can be read from the UTF-8 bytes directly
  // (every bookkeeping row's key has escapes, and a round's problem rows are read hundreds at a time).
  const raw = Buffer.from(encoded, 'utf8');
  const bytes = Buffer.allocUnsafe(raw.length);
  let length = 0;
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === 0x21) {
      bytes[length++] = Number.parseInt(raw.toString('latin1', i + 1, i + 3), 16);
      i += 2;
    } else {
      bytes[length++] = raw[i]!;
    }
  }
  return bytes.toString('utf8', 0, length);
}
