// SM3 benchmarks: batches of 64-byte messages, 1 KiB messages and a 2^20-leaf Merkle tree, against
// Node's OpenSSL (`createHash('sm3')` per message, one thread) and sm-crypto, in the same run.
import { createHash } from 'node:crypto';
import smCrypto from 'sm-crypto';
import { createWorkersAccelerator } from '../src/index.ts';
import { type BenchFlags, type BenchLine, compare, interleave, progress } from './harness.ts';

/** The same RFC 6962-shaped, domain-separated tree, hashed node by node with OpenSSL: the baseline. */
function nativeMerkleRoot(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return createHash('sm3').digest();
  let level = leaves.map((l) => createHash('sm3').update(Uint8Array.of(0)).update(l).digest() as Uint8Array);
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) {
      next.push(
        createHash('sm3')
          .update(Uint8Array.of(1))
          .update(level[i]!)
          .update(level[i + 1]!)
          .digest(),
      );
    }
    if (level.length % 2) next.push(level[level.length - 1]!);
    level = next;
  }
  return level[0]!;
}

export async function benchSm3(flags: BenchFlags): Promise<BenchLine[]> {
  const rounds = flags.quick ? 3 : 7;
  const size = 2;
  const backend = `workers:${size}`;
  const workers = createWorkersAccelerator({ size });
  const out: BenchLine[] = [];

  progress(flags, 'sm3.batch: 64-byte messages');
  const n64 = flags.quick ? 1 << 15 : 1 << 17;
  const m64 = Array.from({ length: n64 }, () => crypto.getRandomValues(new Uint8Array(64)));
  const smSample = m64.slice(0, 4000).map((m) => Array.from(m));
  const r64 = await interleave(
    [
      { name: 'workers', run: async () => (await workers.sm3Batch(m64)).length },
      {
        name: 'openssl',
        run: () => {
          for (const m of m64) createHash('sm3').update(m).digest();
          return m64.length;
        },
      },
      {
        name: 'sm-crypto',
        run: () => {
          for (const m of smSample) smCrypto.sm3(m);
          return smSample.length;
        },
      },
    ],
    rounds,
  );
  out.push(
    ...compare(r64, 'workers', ['openssl', 'sm-crypto'], {
      bench: 'accel.sm3.batch',
      backend,
      unit: 'ops/s',
      bytes: 64,
    }),
  );

  progress(flags, 'sm3.bulk: 1 KiB messages');
  const n1k = flags.quick ? 1 << 13 : 1 << 15;
  const m1k = Array.from({ length: n1k }, () => crypto.getRandomValues(new Uint8Array(1024)));
  const mb = (count: number) => (count * 1024) / 1e6;
  const r1k = await interleave(
    [
      { name: 'workers', run: async () => mb((await workers.sm3Batch(m1k)).length) },
      {
        name: 'openssl',
        run: () => {
          for (const m of m1k) createHash('sm3').update(m).digest();
          return mb(m1k.length);
        },
      },
    ],
    rounds,
  );
  // interleave counted megabytes; n is reported in messages.
  for (const l of compare(r1k, 'workers', ['openssl'], {
    bench: 'accel.sm3.bulk',
    backend,
    unit: 'MB/s',
    bytes: 1024,
  })) {
    out.push({ ...l, n: n1k * (rounds + 1) });
  }

  const depth = flags.quick ? 18 : 20;
  progress(flags, `sm3.merkle: 2^${depth} leaves`);
  const leaves = Array.from({ length: 1 << depth }, () => crypto.getRandomValues(new Uint8Array(32)));
  const mr = await interleave(
    [
      {
        name: 'workers',
        run: async () => {
          await workers.sm3MerkleRoot(leaves);
          return leaves.length;
        },
      },
      {
        name: 'openssl',
        run: () => {
          nativeMerkleRoot(leaves);
          return leaves.length;
        },
      },
    ],
    flags.quick ? 2 : 3,
  );
  out.push(
    ...compare(mr, 'workers', ['openssl'], { bench: 'accel.sm3.merkle', backend, unit: 'leaves/s', depth }),
  );

  await workers.close();
  return out;
}
