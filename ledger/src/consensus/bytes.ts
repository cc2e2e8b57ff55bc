/**
 * Byte helpers the core needs for block hashes and signatures. Kept local so `ledger/src` depends on
 * nothing beyond its declared dependencies.
 */

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lower-case hex of `bytes`, used as a map key for block hashes. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += HEX[b];
  return out;
}

/** Map key for a vote value: the hash in hex, or `'nil'` for a nil vote. */
export function valueKey(blockHash: Uint8Array | null): string {
  return blockHash === null ? 'nil' : toHex(blockHash);
}

/** Constant-shape equality of two byte strings (not constant time: only public data is compared). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Equality of two vote values, where `null` is nil. */
export function valuesEqual(a: Uint8Array | null, b: Uint8Array | null): boolean {
  if (a === null || b === null) return a === b;
  return bytesEqual(a, b);
}

/** Bytewise order of two strings' UTF-8 encodings, the canonical order of certificate signers. */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
