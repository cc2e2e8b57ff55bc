// Host side of the Poseidon kernel (poseidon.wgsl.ts): pairs of BN254 scalars in, one hash each out,
// identical to circomlibjs's `poseidon([a, b])`. Elements travel as 32-byte little-endian integers,
// which are exactly the kernel's eight little-endian 32-bit limbs, so packed batches are uploaded as
// they are.

import { poseidonParams } from '../poseidon/constants.ts';
import { poseidonReference } from '../poseidon/reference.ts';
import { fromLimbs, montgomeryConstants, toLimbs } from './field.wgsl.ts';
import { BN254_FR, packField, unpackField } from './fields.ts';
import type { KernelStyle } from './kernel-style.ts';
import { POSEIDON_WORKGROUP, poseidonLevelWgsl, poseidonWgsl } from './poseidon.wgsl.ts';
import type { GpuRuntime } from './runtime.ts';

/** Hashes per GPU job (bounded so one dispatch never runs long enough to trip a driver watchdog). */
const JOB_ITEMS = 1 << 18;

let constantWords: Uint32Array | undefined;

/** Round constants then MDS matrix, in Montgomery form, as limbs. */
function constants(): Uint32Array {
  if (!constantWords) {
    const { p, one } = montgomeryConstants(BN254_FR.p);
    const { roundConstants, mds } = poseidonParams(2);
    const all = [...roundConstants, ...mds.flat()].map((c) => (c * one) % p);
    constantWords = packField(all, p, 'poseidon constant');
  }
  return constantWords;
}

/**
 * Poseidon(a, b) for each pair of elements given as limbs (16 words per pair, each element < r);
 * answers 8 words per hash.
 */
export async function poseidon2WordsGpu(
  rt: GpuRuntime,
  words: Uint32Array,
  style: KernelStyle = 'compact',
): Promise<Uint32Array> {
  const count = words.length / 16;
  if (!Number.isInteger(count))
    throw new RangeError('poseidon2: inputs must be whole pairs of 8-word elements');
  const out = new Uint32Array(count * 8);
  for (let start = 0; start < count; start += JOB_ITEMS) {
    const n = Math.min(JOB_ITEMS, count - start);
    const slice = words.subarray(start * 16, (start + n) * 16);
    const [bytes] = await rt.run(async () => {
      const pipeline = await rt.pipeline(`poseidon-${style}`, poseidonWgsl(style));
      const inBuf = rt.buffer('poseidon:in', slice.byteLength);
      const cBuf = rt.buffer('poseidon:constants', constants().byteLength);
      const outBuf = rt.buffer('poseidon:out', n * 32);
      rt.write(inBuf, slice);
      rt.write(cBuf, constants());
      const params = rt.uniform('poseidon', Uint32Array.of(n));
      return {
        passes: [
          {
            pipeline,
            buffers: [inBuf, cBuf, outBuf, params],
            invocations: n,
            workgroupSize: POSEIDON_WORKGROUP,
          },
        ],
        read: [{ buffer: outBuf, bytes: n * 32 }],
      };
    });
    out.set(new Uint32Array(bytes!.buffer, bytes!.byteOffset, n * 8), start * 8);
  }
  return out;
}

/**
 * Poseidon(a, b) for each pair, on the GPU.
 * @throws {RangeError} if an input is not a bigint in [0, r) (r: the BN254 scalar field modulus).
 */
export async function poseidon2BatchGpu(
  rt: GpuRuntime,
  inputs: readonly (readonly [bigint, bigint])[],
  options: { style?: KernelStyle } = {},
): Promise<bigint[]> {
  const flat = new Array<bigint>(inputs.length * 2);
  inputs.forEach((pair, i) => {
    if (!Array.isArray(pair) || pair.length !== 2) throw new RangeError(`inputs[${i}]: expected [a, b]`);
    flat[2 * i] = pair[0];
    flat[2 * i + 1] = pair[1];
  });
  const packed = packField(flat, BN254_FR.p, 'inputs (flattened)');
  const out = await poseidon2WordsGpu(rt, packed, options.style);
  return unpackField(out, inputs.length);
}

const R_LIMBS = toLimbs(BN254_FR.p);

/** 32-byte little-endian elements as limbs, with elements ≥ r reduced mod r (as circomlibjs does). */
function canonicalWords(bytes: Uint8Array): Uint32Array {
  const words = new Uint32Array(bytes.length / 4);
  new Uint8Array(words.buffer).set(bytes);
  for (let at = 0; at < words.length; at += 8) {
    // Compare with r from the top limb down; reduce the (rare) non-canonical element with bigints.
    let k = 7;
    while (k >= 0 && words[at + k] === R_LIMBS[k]) k--;
    if (k < 0 || words[at + k]! > R_LIMBS[k]!) {
      words.set(toLimbs(fromLimbs(words, at) % BN254_FR.p), at);
    }
  }
  return words;
}

const zeroRoots: bigint[] = [0n];

/** Root of an empty subtree of each height 0..depth: Z0 = 0, Z(k+1) = Poseidon(Zk, Zk). */
function emptyRoots(depth: number): readonly bigint[] {
  while (zeroRoots.length <= depth) {
    const z = zeroRoots[zeroRoots.length - 1]!;
    zeroRoots.push(poseidonReference([z, z]));
  }
  return zeroRoots;
}

/**
 * Root of the Poseidon Merkle tree of `depth` over packed 32-byte little-endian leaves (missing
 * leaves 0, node = Poseidon(left, right)), every level on the GPU in one submission: level k reads
 * ⌈n / 2^(k−1)⌉ nodes and a missing right child is the empty subtree of its height.
 * @throws {RangeError} for a depth outside 1..32, leaves that are not whole 32-byte elements, or more
 *   than 2^depth leaves.
 */
export async function poseidonMerkleRootGpu(
  rt: GpuRuntime,
  leaves: Uint8Array,
  depth: number,
  style: KernelStyle = 'compact',
): Promise<Uint8Array> {
  if (!Number.isInteger(depth) || depth < 1 || depth > 32) {
    throw new RangeError(`poseidonMerkleRoot: depth must be 1..32, got ${depth}`);
  }
  if (!(leaves instanceof Uint8Array) || leaves.length % 32 !== 0) {
    throw new RangeError('poseidonMerkleRoot: leaves must be whole 32-byte elements');
  }
  const n = leaves.length / 32;
  if (n > 2 ** depth) throw new RangeError(`poseidonMerkleRoot: ${n} leaves do not fit depth ${depth}`);
  const zeros = emptyRoots(depth);
  if (n === 0) return Uint8Array.from(toBytes(zeros[depth]!));
  const words = canonicalWords(leaves);
  const [root] = await rt.run(async () => {
    const pipeline = await rt.pipeline(`poseidon-level-${style}`, poseidonLevelWgsl(style));
    const cBuf = rt.buffer('poseidon:constants', constants().byteLength);
    rt.write(cBuf, constants());
    const ping = [rt.buffer('poseidon-merkle:a', n * 32), rt.buffer('poseidon-merkle:b', n * 32)] as const;
    rt.write(ping[0], words);
    const passes = [];
    let count = n;
    for (let k = 1; k <= depth; k++) {
      const above = Math.ceil(count / 2);
      const params = new Uint32Array(12);
      params.set([above, count], 0);
      params.set(toLimbs(zeros[k - 1]!), 4);
      passes.push({
        pipeline,
        buffers: [ping[(k - 1) % 2]!, cBuf, ping[k % 2]!, rt.uniform(`poseidon-merkle:${k}`, params)],
        invocations: above,
        workgroupSize: POSEIDON_WORKGROUP,
      });
      count = above;
    }
    return { passes, read: [{ buffer: ping[depth % 2]!, bytes: 32 }] };
  });
  return root!;
}

function toBytes(v: bigint): Uint8Array {
  const w = Uint32Array.from(toLimbs(v));
  return new Uint8Array(w.buffer);
}

/**
 * Poseidon(a, b) for pairs of 32-byte little-endian elements (the engine's packed form), reducing
 * elements ≥ r mod r as circomlibjs does; 32 little-endian bytes per hash.
 */
export async function poseidon2BytesGpu(
  rt: GpuRuntime,
  inputs: Uint8Array,
  style: KernelStyle = 'compact',
): Promise<Uint8Array> {
  const out = await poseidon2WordsGpu(rt, canonicalWords(inputs), style);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
