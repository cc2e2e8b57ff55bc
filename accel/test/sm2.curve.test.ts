// The SM2 curve constants of GB/T 32918.5 against a second source: OpenSSL's explicit parameters
// (`openssl ecparam -name SM2 -param_enc explicit -text -noout`, saved in vectors/ and re-read live
// when the CLI is present).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SM2_PARAMS, sm2Curve } from '../src/sm2/index.ts';

function parseOpensslParams(text: string): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  const re = /^(Prime|A|B|Generator \(uncompressed\)|Order):\s*\n((?:\s+[0-9a-f:]+\n)+)/gm;
  for (const m of text.matchAll(re)) {
    out[m[1]!] = BigInt('0x' + m[2]!.replace(/[\s:]/g, ''));
  }
  return out;
}

function check(text: string): void {
  const o = parseOpensslParams(text);
  expect(o.Prime).toBe(SM2_PARAMS.p);
  expect(o.A).toBe(SM2_PARAMS.a);
  expect(o.B).toBe(SM2_PARAMS.b);
  expect(o.Order).toBe(SM2_PARAMS.n);
  const g = o['Generator (uncompressed)']!;
  expect(g >> 512n).toBe(4n);
  expect((g >> 256n) & ((1n << 256n) - 1n)).toBe(SM2_PARAMS.Gx);
  expect(g & ((1n << 256n) - 1n)).toBe(SM2_PARAMS.Gy);
}

describe('SM2 curve parameters (GB/T 32918.5)', () => {
  it('match the OpenSSL explicit parameters saved in vectors/', () => {
    check(readFileSync(new URL('./vectors/openssl-sm2-explicit.txt', import.meta.url), 'utf8'));
  });

  it('match the OpenSSL CLI on this machine, when it is installed', () => {
    let text: string;
    try {
      text = execFileSync(
        'openssl',
        ['ecparam', '-name', 'SM2', '-param_enc', 'explicit', '-text', '-noout'],
        {
          encoding: 'utf8',
        },
      );
    } catch {
      return; // no CLI here: the saved copy above is the check
    }
    check(text);
  });

  it('has G on the curve, a = p − 3, and nG = O', () => {
    const { p, a, b, Gx, Gy, n } = SM2_PARAMS;
    expect((Gy * Gy - (Gx * Gx * Gx + a * Gx + b)) % p).toBe(0n);
    expect(a).toBe(p - 3n);
    const G = sm2Curve.Point.BASE;
    expect(
      G.multiplyUnsafe(n - 1n)
        .add(G)
        .is0(),
    ).toBe(true);
    expect(
      G.multiplyUnsafe(n - 2n)
        .add(G)
        .is0(),
    ).toBe(false);
    expect(G.multiplyUnsafe(n - 1n).equals(G.negate())).toBe(true);
  });
});
