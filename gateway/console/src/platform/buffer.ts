/**
 * The part of Node's `Buffer` that the ledger's and the gateway's shared modules use (hex and text
 * conversions, concatenation, comparison), for the browser, which has no `Buffer`. Those modules run
 * unchanged in the console with this class installed as `globalThis.Buffer` (`install-buffer.ts`); the
 * console's own code uses `Uint8Array` and the ledger's `toHex`/`fromHex`.
 *
 * Semantics follow Node's for the inputs those modules pass (Node 20 `buffer` docs): hex decoding stops at
 * the first pair that is not hex, `latin1`/`binary` maps chars to their low byte, `ascii` is latin1 on
 * decode, `base64` accepts the URL-safe alphabet and missing padding. Only what is implemented is there:
 * any other encoding throws a TypeError naming it, so a new use shows up at once instead of misbehaving.
 */

export type BufferEncoding = 'hex' | 'utf8' | 'utf-8' | 'latin1' | 'binary' | 'ascii' | 'base64';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function encodingOf(encoding: string | undefined): BufferEncoding {
  const e = (encoding ?? 'utf8').toLowerCase();
  if (e === 'hex' || e === 'utf8' || e === 'utf-8' || e === 'latin1' || e === 'binary' || e === 'ascii')
    return e;
  if (e === 'base64') return e;
  throw new TypeError(`Unknown encoding: ${encoding}`);
}

function hexToBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length >>> 1);
  let n = 0;
  for (; n < out.length; n++) {
    const pair = text.slice(2 * n, 2 * n + 2);
    if (!/^[0-9a-fA-F]{2}$/.test(pair)) break;
    out[n] = Number.parseInt(pair, 16);
  }
  return out.subarray(0, n);
}

function base64ToBytes(text: string): Uint8Array {
  const clean = text
    .replace(/[^A-Za-z0-9+/\-_]/g, '')
    .replace(/-/g, '+')
    .replace(/_/g, '/');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let n = 0;
  for (const ch of clean) {
    acc = (acc << 6) | B64.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >>> bits) & 0xff;
    }
  }
  return out.subarray(0, n);
}

function bytesToBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    const triple = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out += B64[(triple >>> 18) & 63]! + B64[(triple >>> 12) & 63]!;
    out += b === undefined ? '=' : B64[(triple >>> 6) & 63]!;
    out += c === undefined ? '=' : B64[triple & 63]!;
  }
  return out;
}

function latin1ToBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

function bytesToLatin1(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return out;
}

/**
 * Bytes from text in `encoding` (default UTF-8), a copy of an array of bytes, or a view of an ArrayBuffer
 * (`byteOffset`, `length`), as Node's `Buffer.from`. Installed as `BrowserBuffer.from`.
 * @throws {TypeError} for another kind of value or an unknown encoding.
 */
export function bufferFrom(
  value: string | ArrayLike<number> | ArrayBufferLike | Iterable<number>,
  encodingOrOffset?: string | number,
  length?: number,
): BrowserBuffer {
  if (typeof value === 'string') {
    const encoding = encodingOf(typeof encodingOrOffset === 'string' ? encodingOrOffset : undefined);
    const bytes =
      encoding === 'hex'
        ? hexToBytes(value)
        : encoding === 'base64'
          ? base64ToBytes(value)
          : encoding === 'latin1' || encoding === 'binary' || encoding === 'ascii'
            ? latin1ToBytes(value)
            : new TextEncoder().encode(value);
    return new BrowserBuffer(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.length);
  }
  if (
    value instanceof ArrayBuffer ||
    (typeof SharedArrayBuffer !== 'undefined' && value instanceof SharedArrayBuffer)
  ) {
    const offset = typeof encodingOrOffset === 'number' ? encodingOrOffset : 0;
    return new BrowserBuffer(value as ArrayBuffer, offset, length ?? value.byteLength - offset);
  }
  if (ArrayBuffer.isView(value) || Array.isArray(value) || Symbol.iterator in Object(value)) {
    return new BrowserBuffer(Uint8Array.from(value as ArrayLike<number>).buffer);
  }
  throw new TypeError('Buffer.from: expected a string, an array of bytes or an ArrayBuffer');
}

/** A Uint8Array with Node Buffer's conversions (see the file comment); `from` is {@link bufferFrom}. */
export class BrowserBuffer extends Uint8Array {
  /** Zero-filled bytes. */
  static alloc(size: number): BrowserBuffer {
    return new BrowserBuffer(size);
  }

  static isBuffer(value: unknown): value is BrowserBuffer {
    return value instanceof BrowserBuffer;
  }

  /** The concatenation of `list` (at most `totalLength` bytes of it when given). */
  static concat(list: readonly Uint8Array[], totalLength?: number): BrowserBuffer {
    const total = totalLength ?? list.reduce((n, b) => n + b.length, 0);
    const out = new BrowserBuffer(total);
    let at = 0;
    for (const b of list) {
      if (at >= total) break;
      const part = b.subarray(0, total - at);
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  /** Bytewise order of two byte strings: -1, 0 or 1. */
  static compare(a: Uint8Array, b: Uint8Array): -1 | 0 | 1 {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (a[i]! !== b[i]!) return a[i]! < b[i]! ? -1 : 1;
    }
    return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
  }

  /** Length in bytes of `text` in `encoding`. */
  static byteLength(text: string | Uint8Array, encoding?: string): number {
    if (typeof text !== 'string') return text.byteLength;
    return bufferFrom(text, encoding).length;
  }

  /**
   * The bytes (or `[start, end)` of them) as text in `encoding` (default UTF-8).
   * @throws {TypeError} for an unknown encoding.
   */
  override toString(encoding?: string, start = 0, end = this.length): string {
    const bytes = this.subarray(start, end);
    switch (encodingOf(encoding)) {
      case 'hex': {
        let out = '';
        for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]!];
        return out;
      }
      case 'base64':
        return bytesToBase64(bytes);
      case 'latin1':
      case 'binary':
        return bytesToLatin1(bytes);
      case 'ascii':
        return bytesToLatin1(bytes.map((b) => b & 0x7f));
      default:
        return new TextDecoder().decode(bytes);
    }
  }

  /** Whether the bytes equal `other`'s. */
  equals(other: Uint8Array): boolean {
    return BrowserBuffer.compare(this, other) === 0;
  }
}

// Node's `Buffer.from` takes an encoding or an offset where Uint8Array's takes a map function, so it is
// installed on the constructor here rather than declared as an override TypeScript would refuse.
Object.defineProperty(BrowserBuffer, 'from', { value: bufferFrom, writable: true, configurable: true });
