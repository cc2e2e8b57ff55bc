/**
 * The JSON wire form of RPC messages between gateways: plain JSON plus two tagged forms, `{"$n": "123"}`
 * for a bigint and `{"$b": "00ff"}` for bytes, so field elements and digests cross without loss. Every
 * handler validates what it decodes (zod); this layer only restores the two types.
 */

const TAG_BIGINT = '$n';
const TAG_BYTES = '$b';

/** Encodes a value (bigints and Uint8Arrays included) to UTF-8 JSON bytes. */
export function encodeWire(value: unknown): Uint8Array {
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return { [TAG_BIGINT]: v.toString() };
    if (v instanceof Uint8Array) return { [TAG_BYTES]: Buffer.from(v).toString('hex') };
    return v;
  });
  return new TextEncoder().encode(text);
}

/**
 * Decodes bytes written by {@link encodeWire}.
 * @throws {SyntaxError} for bytes that are not JSON.
 */
export function decodeWire(bytes: Uint8Array): unknown {
  return JSON.parse(new TextDecoder().decode(bytes), (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.length === 1) {
        const tagged = (v as Record<string, unknown>)[keys[0]!];
        if (keys[0] === TAG_BIGINT && typeof tagged === 'string' && /^[0-9]{1,80}$/.test(tagged))
          return BigInt(tagged);
        if (keys[0] === TAG_BYTES && typeof tagged === 'string' && /^([0-9a-f]{2})*$/.test(tagged)) {
          return Uint8Array.from(Buffer.from(tagged, 'hex'));
        }
      }
    }
    return v;
  });
}
