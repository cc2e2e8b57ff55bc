// What SM2 must refuse: tampered messages, signatures and keys; out-of-range r and s; points off the
// curve; malformed encodings; tampered ciphertexts. Plus fast-check round-trip properties.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAccelerator } from '../src/engine/index.ts';
import { AccelError } from '../src/errors.ts';
import {
  bigintToBytes32,
  decodeSm2Signature,
  decryptSm2,
  encodeSm2Signature,
  encodeSm2SignatureDer,
  encryptSm2,
  generateSm2KeyPair,
  getSm2PublicKey,
  parseSm2PrivateKey,
  SM2_PARAMS,
  Sm2Signer,
  verifySm2,
} from '../src/sm2/index.ts';

const { n, p } = SM2_PARAMS;
const keys = generateSm2KeyPair();
const signer = new Sm2Signer(keys.privateKey);
const msg = new TextEncoder().encode('tax arrears of 91110000MA00000000 at 2026-11-23');
const sig = signer.sign(msg);

function flip(bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice();
  out[bit >>> 3]! ^= 1 << (bit & 7);
  return out;
}

function expectCode(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AccelError);
    expect((err as AccelError).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}`);
}

describe('SM2 verification rejects tampering', () => {
  it('accepts the untampered signature', () => {
    expect(verifySm2(msg, sig, keys.publicKey)).toBe(true);
  });

  it('rejects every flipped bit of the message (first 64 bits) and of r ‖ s (all 512)', () => {
    for (let bit = 0; bit < 64; bit++) expect(verifySm2(flip(msg, bit), sig, keys.publicKey)).toBe(false);
    for (let bit = 0; bit < 512; bit++) expect(verifySm2(msg, flip(sig, bit), keys.publicKey)).toBe(false);
  });

  it('rejects a flipped bit of the public key: another point answers false, a non-point throws', () => {
    let offCurve = 0;
    for (let bit = 8; bit < 8 + 512; bit += 7) {
      const tampered = flip(keys.publicKey, bit);
      try {
        expect(verifySm2(msg, sig, tampered)).toBe(false);
      } catch (err) {
        expect((err as AccelError).code).toBe('SM2_INVALID_PUBLIC_KEY');
        offCurve++;
      }
    }
    expect(offCurve).toBeGreaterThan(0);
  });

  it('rejects r or s equal to 0 or ≥ n, and r + s = n', () => {
    const r = BigInt('0x' + Buffer.from(sig.subarray(0, 32)).toString('hex'));
    const s = BigInt('0x' + Buffer.from(sig.subarray(32, 64)).toString('hex'));
    for (const [rr, ss] of [
      [0n, s],
      [r, 0n],
      [n, s],
      [r, n],
      [n + 1n, s],
      [r, 2n ** 256n - 1n],
      [r, n - r],
    ] as const) {
      expect(verifySm2(msg, encodeSm2Signature({ r: rr, s: ss }), keys.publicKey)).toBe(false);
    }
  });

  it('rejects a different signer and a different user ID', () => {
    expect(verifySm2(msg, sig, generateSm2KeyPair().publicKey)).toBe(false);
    expect(verifySm2(msg, sig, keys.publicKey, { userId: new Uint8Array(0) })).toBe(false);
  });

  it('throws typed errors for input that cannot be a key or a signature', () => {
    const notOnCurve = new Uint8Array(65);
    notOnCurve[0] = 4;
    notOnCurve.set(bigintToBytes32(1n), 1);
    notOnCurve.set(bigintToBytes32(1n), 33);
    expectCode(() => verifySm2(msg, sig, notOnCurve), 'SM2_INVALID_PUBLIC_KEY');
    const xTooBig = notOnCurve.slice();
    xTooBig.set(bigintToBytes32(p), 1);
    expectCode(() => verifySm2(msg, sig, xTooBig), 'SM2_INVALID_PUBLIC_KEY');
    expectCode(() => verifySm2(msg, sig, keys.publicKey.subarray(0, 64)), 'SM2_INVALID_PUBLIC_KEY');
    expectCode(() => verifySm2(msg, sig.subarray(0, 63), keys.publicKey), 'SM2_INVALID_SIGNATURE_ENCODING');
    expectCode(
      () => decodeSm2Signature(Uint8Array.of(0x30, 0x03, 0x02, 0x01)),
      'SM2_INVALID_SIGNATURE_ENCODING',
    );
    expectCode(
      () => verifySm2(msg, sig, keys.publicKey, { userId: new Uint8Array(8192) }),
      'SM2_INVALID_USER_ID',
    );
    expectCode(() => parseSm2PrivateKey(new Uint8Array(32)), 'SM2_INVALID_PRIVATE_KEY');
    expectCode(() => parseSm2PrivateKey(bigintToBytes32(n - 1n)), 'SM2_INVALID_PRIVATE_KEY');
    expectCode(() => parseSm2PrivateKey(new Uint8Array(31)), 'SM2_INVALID_PRIVATE_KEY');
    expect(parseSm2PrivateKey(bigintToBytes32(n - 2n))).toBe(n - 2n);
  });
});

describe('SM2 hinted signatures have exactly one valid encoding', () => {
  const hinted = signer.sign(msg, 'hinted');
  const y1 = decodeSm2Signature(hinted).y1!;
  const withHint = (y: bigint) => {
    const out = hinted.slice();
    out.set(bigintToBytes32(y), 64);
    return out;
  };

  it('accepts the true hint and rejects p − y1 (also on the curve) and any flipped hint bit', () => {
    expect(verifySm2(msg, hinted, keys.publicKey)).toBe(true);
    expect(verifySm2(msg, withHint(p - y1), keys.publicKey)).toBe(false);
    for (let bit = 512; bit < 768; bit += 17)
      expect(verifySm2(msg, flip(hinted, bit), keys.publicKey)).toBe(false);
    // The first 64 bytes alone are still a standard signature.
    expect(verifySm2(msg, hinted.subarray(0, 64), keys.publicKey)).toBe(true);
  });

  it('a batch answers the same: only the item with the negated hint is false', async () => {
    const accel = createAccelerator({ backend: 'cpu' });
    try {
      const messages = Array.from({ length: 40 }, (_, i) => new TextEncoder().encode(`item ${i}`));
      const requests = messages.map((m) => ({
        publicKey: keys.publicKey,
        message: m,
        signature: signer.sign(m, 'hinted'),
      }));
      const bad = requests[17]!;
      const badY = decodeSm2Signature(bad.signature).y1!;
      const forged = bad.signature.slice();
      forged.set(bigintToBytes32(p - badY), 64);
      requests[17] = { ...bad, signature: forged };
      const results = await accel.sm2VerifyBatch(requests);
      expect(results.map((ok, i) => (ok ? -1 : i)).filter((i) => i >= 0)).toEqual([17]);
    } finally {
      await accel.close();
    }
  });
});

describe('SM2 decryption rejects tampering', () => {
  const plain = new TextEncoder().encode('session key 0123456789abcdef');
  const c = encryptSm2(plain, keys.publicKey);

  it('a flipped bit in C3 or C2 fails the hash check; in C1 it is not a point or fails the check', () => {
    for (const bit of [65 * 8 + 3, 97 * 8 + 1, (c.length - 1) * 8]) {
      expectCode(() => decryptSm2(flip(c, bit), keys.privateKey), 'SM2_DECRYPT_FAILED');
    }
    try {
      decryptSm2(flip(c, 20 * 8), keys.privateKey);
      throw new Error('decrypted a tampered C1');
    } catch (err) {
      expect(['SM2_INVALID_CIPHERTEXT', 'SM2_DECRYPT_FAILED']).toContain((err as AccelError).code);
    }
  });

  it('the wrong private key fails, a truncated ciphertext is malformed', () => {
    expectCode(() => decryptSm2(c, generateSm2KeyPair().privateKey), 'SM2_DECRYPT_FAILED');
    expectCode(() => decryptSm2(c.subarray(0, 96), keys.privateKey), 'SM2_INVALID_CIPHERTEXT');
  });
});

describe('SM2 properties (fast-check)', () => {
  const keyArb = fc.uint8Array({ minLength: 32, maxLength: 32 }).filter((k) => {
    const d = BigInt('0x' + Buffer.from(k).toString('hex'));
    return d >= 1n && d <= n - 2n;
  });

  it('sign → verify holds for any key, message, ID and format, and fails for another message', () => {
    fc.assert(
      fc.property(
        keyArb,
        fc.uint8Array({ maxLength: 200 }),
        fc.uint8Array({ maxLength: 40 }),
        fc.constantFrom('raw' as const, 'hinted' as const, 'der' as const),
        (d, m, uid, format) => {
          const s = new Sm2Signer(d, uid).sign(m, format);
          const pub = getSm2PublicKey(d, true);
          expect(verifySm2(m, s, pub, { userId: uid })).toBe(true);
          const other = Uint8Array.from([...m, 0]);
          expect(verifySm2(other, s, pub, { userId: uid })).toBe(false);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('encrypt → decrypt is the identity', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.constantFrom('c1c3c2' as const, 'c1c2c3' as const),
        (m, order) => {
          expect(decryptSm2(encryptSm2(m, keys.publicKey, order), keys.privateKey, order)).toEqual(m);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('DER and raw encodings round-trip', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: n - 1n }), fc.bigInt({ min: 1n, max: n - 1n }), (r, s) => {
        expect(decodeSm2Signature(encodeSm2SignatureDer({ r, s }))).toEqual({ r, s });
        expect(decodeSm2Signature(encodeSm2Signature({ r, s }))).toEqual({ r, s });
      }),
    );
  });
});
