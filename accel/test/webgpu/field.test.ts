// The GPU's 256-bit Montgomery arithmetic (field.wgsl.ts) against bigint arithmetic, for the three
// fields the kernels use, on edge cases (0, 1, p − 1, limb boundaries, R mod p) and random values.
import { afterAll, describe, expect, it } from 'vitest';
import { BN254_FQ, BN254_FR, fieldOpsGpu, type GpuField, SM2_FP } from '../../src/webgpu/index.ts';
import { openTestGpu, randomBelow } from './gpu-fixture.ts';

const gpu = await openTestGpu();

function edges(p: bigint): bigint[] {
  const R = (1n << 256n) % p;
  const out = [0n, 1n, 2n, p - 1n, p - 2n, (p - 1n) / 2n, (p + 1n) / 2n, R, p - R, (R * R) % p];
  for (let k = 1; k < 8; k++) out.push((1n << BigInt(32 * k)) - 1n, 1n << BigInt(32 * k));
  out.push((1n << 255n) % p, ((1n << 256n) - 1n) % p);
  return out.map((v) => v % p);
}

function check(field: GpuField, a: bigint[], b: bigint[], r: Awaited<ReturnType<typeof fieldOpsGpu>>): void {
  const { p } = field;
  a.forEach((x, i) => {
    const y = b[i]!;
    expect(r.mul[i], `${field.name} ${x} · ${y}`).toBe((x * y) % p);
    expect(r.add[i], `${field.name} ${x} + ${y}`).toBe((x + y) % p);
    expect(r.sub[i], `${field.name} ${x} − ${y}`).toBe((((x - y) % p) + p) % p);
  });
}

describe.skipIf(!gpu.rt)(`webgpu field arithmetic${gpu.skip}`, () => {
  afterAll(() => gpu.release());

  for (const field of [BN254_FQ, BN254_FR, SM2_FP]) {
    it(`${field.name}: every pair of edge cases and 2,000 random pairs`, async () => {
      const e = edges(field.p);
      const a = [...e.flatMap((x) => e.map(() => x))];
      const b = [...e.flatMap(() => e)];
      for (let i = 0; i < 2000; i++) {
        a.push(randomBelow(field.p));
        b.push(randomBelow(field.p));
      }
      check(field, a, b, await fieldOpsGpu(gpu.rt!, field, a, b));
    });
  }

  it('the unrolled emission agrees too (SM2: a full 256-bit modulus)', async () => {
    const e = edges(SM2_FP.p);
    const a = [...e, ...Array.from({ length: 200 }, () => randomBelow(SM2_FP.p))];
    const b = [
      ...e.map((_, i) => e[(i * 7) % e.length]!),
      ...Array.from({ length: 200 }, () => randomBelow(SM2_FP.p)),
    ];
    check(SM2_FP, a, b, await fieldOpsGpu(gpu.rt!, SM2_FP, a, b, true));
  });

  it('rejects values outside [0, p) and mismatched lists with RangeError', async () => {
    await expect(fieldOpsGpu(gpu.rt!, BN254_FQ, [BN254_FQ.p], [1n])).rejects.toThrow(RangeError);
    await expect(fieldOpsGpu(gpu.rt!, BN254_FQ, [-1n], [1n])).rejects.toThrow(RangeError);
    await expect(fieldOpsGpu(gpu.rt!, BN254_FQ, [1n, 2n], [1n])).rejects.toThrow(RangeError);
    expect(await fieldOpsGpu(gpu.rt!, BN254_FQ, [], [])).toEqual({ mul: [], add: [], sub: [] });
  });
});
