// SM3 batches through the workers backend's shared arenas (src/engine/sm3-shared.ts): large batches cut
// into many pieces, equal and mixed lengths, concurrent batches sharing the arena pool, results that are
// ordinary memory and stay put when the arena is reused, and the worker-side checks of an arena.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packIntoArena, SharedArenas, sm3ArenaLayout, sm3SharedKernel } from '../src/engine/sm3-shared.ts';
import { type Accelerator, createWorkersAccelerator } from '../src/index.ts';

const nodeSm3 = (m: Uint8Array): string => createHash('sm3').update(m).digest('hex');
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

// Deterministic bytes (xorshift32), so a failure reproduces.
function prng(seed: number): (n: number) => Uint8Array {
  let x = seed | 0 || 1;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      out[i] = x & 0xff;
    }
    return out;
  };
}

function expectAll(messages: readonly Uint8Array[], digests: readonly Uint8Array[]): void {
  expect(digests.length).toBe(messages.length);
  let wrong = 0;
  for (let i = 0; i < messages.length; i++) if (hex(digests[i]!) !== nodeSm3(messages[i]!)) wrong++;
  expect(wrong).toBe(0);
}

describe('workers backend: SM3 batches through shared arenas', () => {
  let accel: Accelerator;
  beforeAll(() => {
    accel = createWorkersAccelerator({ size: 2, minItemsPerThread: 16 });
  });
  afterAll(async () => {
    await accel.close();
  });

  it('hashes a batch of many pieces of equal-length messages', async () => {
    const bytes = prng(1);
    const messages = Array.from({ length: 20_003 }, () => bytes(64));
    expectAll(messages, await accel.sm3Batch(messages));
  });

  it('hashes mixed lengths, empty messages and messages longer than a piece', async () => {
    const bytes = prng(2);
    const lengths = Array.from({ length: 3000 }, (_, i) => (i % 97 === 0 ? 0 : (i * 131) % 1500));
    lengths[1500] = 3 << 20; // one message bigger than a whole piece
    const messages = lengths.map((n) => bytes(n));
    expectAll(messages, await accel.sm3Batch(messages));
  });

  it('keeps concurrent batches apart, and results in ordinary memory that later batches do not touch', async () => {
    const bytes = prng(3);
    const batches = [33, 64, 65, 1024].map((size) => Array.from({ length: 2500 }, () => bytes(size)));
    const results = await Promise.all(batches.map((b) => accel.sm3Batch(b)));
    const before = results.map((r) => r.map(hex));
    batches.forEach((b, i) => expectAll(b, results[i]!));
    for (const r of results) {
      expect(r[0]!.buffer).toBeInstanceOf(ArrayBuffer);
      expect(r[0]!.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    }
    // Reuse the arenas with other contents: earlier results must not change.
    await Promise.all(batches.map((b) => accel.sm3Batch(b.map((m) => m.map((x) => x ^ 0xff)))));
    expect(results.map((r) => r.map(hex))).toEqual(before);
  });

  it('refuses a batch with a bad item anywhere, as the other backends do', async () => {
    const messages: Uint8Array[] = Array.from({ length: 5000 }, () => new Uint8Array(64));
    (messages as unknown[])[4321] = 'not bytes';
    await expect(accel.sm3Batch(messages)).rejects.toMatchObject({ code: 'ACCEL_INVALID_BATCH' });
    // The backend still works afterwards.
    expectAll(messages.slice(0, 100), await accel.sm3Batch(messages.slice(0, 100)));
  });
});

describe('shared arena parts', () => {
  it('the kernel hashes a range in place, digests at their own slots', () => {
    const messages = [new Uint8Array(0), ...Array.from({ length: 9 }, (_, i) => prng(i + 9)(i * 40))];
    const total = messages.reduce((s, m) => s + m.length, 0);
    const layout = sm3ArenaLayout(messages.length, total);
    const arena = new SharedArrayBuffer(layout.bytes);
    expect(packIntoArena(arena, layout, messages, 0, messages.length, 0)).toBe(total);
    sm3SharedKernel(arena, messages.length, total, 2, 7);
    const digests = new Uint8Array(arena, layout.digestsAt, 32 * messages.length);
    for (let i = 0; i < messages.length; i++) {
      const d = hex(digests.subarray(32 * i, 32 * i + 32));
      expect(d).toBe(i >= 2 && i < 7 ? nodeSm3(messages[i]!) : '00'.repeat(32));
    }
  });

  it('the kernel refuses an arena too small for its layout, and ranges outside it', () => {
    const layout = sm3ArenaLayout(10, 1000);
    const small = new SharedArrayBuffer(layout.bytes - 1);
    expect(() => sm3SharedKernel(small, 10, 1000, 0, 10)).toThrow(/does not fit/);
    const arena = new SharedArrayBuffer(layout.bytes);
    expect(() => sm3SharedKernel(arena, 10, 1000, 5, 11)).toThrow(
      expect.objectContaining({ code: 'ACCEL_INVALID_BATCH' }),
    );
    expect(() => sm3SharedKernel(arena, 10, 1000, 6, 5)).toThrow(/does not fit/);
    expect(() => sm3SharedKernel(arena, 10, 1.5, 0, 1)).toThrow(/does not fit/);
    expect(() =>
      sm3SharedKernel(new ArrayBuffer(layout.bytes) as unknown as SharedArrayBuffer, 10, 1000, 0, 1),
    ).toThrow(/does not fit/);
  });

  it('the kernel refuses offsets that point past the data (a corrupt arena)', () => {
    const layout = sm3ArenaLayout(2, 10);
    const arena = new SharedArrayBuffer(layout.bytes);
    new Uint32Array(arena, 0, 3).set([0, 5, 11]);
    expect(() => sm3SharedKernel(arena, 2, 10, 0, 2)).toThrow(RangeError);
  });

  it('arenas are reused smallest-fit and kept only up to the limit', () => {
    const arenas = new SharedArenas(3 << 16);
    const a = arenas.take(100);
    const b = arenas.take(70_000);
    expect(a.byteLength).toBe(1 << 16);
    expect(b.byteLength).toBe(2 << 16);
    arenas.give(a);
    arenas.give(b);
    expect(arenas.retainedBytes).toBe(3 << 16);
    expect(arenas.take(10)).toBe(a);
    expect(arenas.take(10)).toBe(b);
    const c = arenas.take(10);
    expect(c).not.toBe(a);
    expect(c).not.toBe(b);
    arenas.give(arenas.take(1 << 18)); // bigger than the limit on its own: not kept
    expect(arenas.retainedBytes).toBe(0);
    arenas.give(a);
    arenas.give(b);
    arenas.give(c); // past the limit: the smallest goes
    expect(arenas.retainedBytes).toBe(3 << 16);
    expect(arenas.take(1 << 17)).toBe(b);
  });
});
