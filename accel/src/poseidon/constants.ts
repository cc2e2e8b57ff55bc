// Parameters of circomlib's Poseidon over the BN254 scalar field (Grassi, Khovratovich, Rechberger,
// Roy, Schofnegger, "Poseidon: A New Hash Function for Zero-Knowledge Proof Systems", USENIX Security
// 2021): x^5 S-box, 8 full rounds, the partial round counts circomlib uses for widths 2..17, and round
// constants and a Cauchy MDS matrix drawn from the paper's Grain LFSR (Appendix F). Generating them
// from the specification, instead of shipping tables, is checked against circomlibjs in the tests.

/** The BN254 scalar field modulus r. */
export const BN254_R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** Full rounds (half before, half after the partial rounds). */
export const FULL_ROUNDS = 8;

/** Partial rounds of circomlib's Poseidon for width t = 2..17 (index t - 2). */
const PARTIAL_ROUNDS = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68] as const;

/** Largest number of inputs (width 17). */
export const MAX_ARITY = 16;

/** Constants of the plain (textbook) permutation for one width. */
export interface PoseidonParams {
  t: number;
  partialRounds: number;
  /** (FULL_ROUNDS + partialRounds) × t round constants, round by round. */
  roundConstants: bigint[];
  /** t × t MDS matrix; the linear layer is s'_i = Σ_j mds[i][j]·s_j. */
  mds: bigint[][];
}

/** Partial rounds for `arity` inputs. */
export function partialRounds(arity: number): number {
  const n = PARTIAL_ROUNDS[arity - 1];
  if (!Number.isInteger(arity) || n === undefined)
    throw new RangeError(`Poseidon arity must be 1..${MAX_ARITY}`);
  return n;
}

/**
 * The self-shrinking Grain LFSR of the Poseidon paper, seeded with the instance's description:
 * field type (2 bits, 1 = prime), S-box (4 bits, 0 = x^α), field size (12), t (12), R_F (10), R_P (10),
 * then 30 ones; the first 160 bits are discarded.
 */
function grainBits(t: number, rf: number, rp: number): () => number {
  const state = new Uint8Array(80);
  let pos = 0;
  const seed: [number, number][] = [
    [1, 2],
    [0, 4],
    [254, 12],
    [t, 12],
    [rf, 10],
    [rp, 10],
  ];
  for (const [value, width] of seed) {
    for (let i = width - 1; i >= 0; i--) state[pos++] = (value >> i) & 1;
  }
  for (let i = 0; i < 30; i++) state[pos++] = 1;
  let head = 0;
  // b_{i+80} = b_{i+62} ⊕ b_{i+51} ⊕ b_{i+38} ⊕ b_{i+23} ⊕ b_{i+13} ⊕ b_i
  const at = (k: number) => state[head + k < 80 ? head + k : head + k - 80]!;
  const step = (): number => {
    const bit = at(62) ^ at(51) ^ at(38) ^ at(23) ^ at(13) ^ at(0);
    state[head] = bit;
    head = head === 79 ? 0 : head + 1;
    return bit;
  };
  for (let i = 0; i < 160; i++) step();
  return () => {
    // Self-shrinking: pairs (b1, b2); output b2 when b1 = 1, discard the pair otherwise.
    for (;;) {
      const b1 = step();
      const b2 = step();
      if (b1 === 1) return b2;
    }
  };
}

function modPow(base: bigint, exp: bigint, p: bigint): bigint {
  let r = 1n;
  let b = ((base % p) + p) % p;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % p;
    b = (b * b) % p;
    e >>= 1n;
  }
  return r;
}

/** a^-1 mod p (p prime). */
export function invMod(a: bigint, p: bigint = BN254_R): bigint {
  const x = ((a % p) + p) % p;
  if (x === 0n) throw new RangeError('invMod: zero has no inverse');
  return modPow(x, p - 2n, p);
}

const cache = new Map<number, PoseidonParams>();

/**
 * The textbook parameters for `arity` inputs (width t = arity + 1), generated on first use.
 * @throws {RangeError} for an arity outside 1..16.
 */
export function poseidonParams(arity: number): PoseidonParams {
  const cached = cache.get(arity);
  if (cached) return cached;
  const rp = partialRounds(arity);
  const t = arity + 1;
  const p = BN254_R;
  const next = grainBits(t, FULL_ROUNDS, rp);
  // 254 bits, most significant first, gathered 31 at a time into a number.
  const field = (): bigint => {
    let v = 0n;
    for (let chunk = 0; chunk < 254; chunk += 31) {
      const width = Math.min(31, 254 - chunk);
      let bits = 0;
      for (let i = 0; i < width; i++) bits = bits * 2 + next();
      v = (v << BigInt(width)) | BigInt(bits);
    }
    return v;
  };
  const roundConstants: bigint[] = [];
  for (let i = 0; i < (FULL_ROUNDS + rp) * t; i++) {
    let v = field();
    while (v >= p) v = field(); // rejection sampling
    roundConstants.push(v);
  }
  // Cauchy matrix M[i][j] = 1 / (x_i + y_j) with 2t distinct elements drawn from the LFSR.
  let xs: bigint[];
  for (;;) {
    xs = Array.from({ length: 2 * t }, () => field() % p);
    if (new Set(xs).size === xs.length) break;
  }
  const mds = Array.from({ length: t }, (_, i) =>
    Array.from({ length: t }, (_, j) => invMod(xs[i]! + xs[t + j]!, p)),
  );
  const params = { t, partialRounds: rp, roundConstants, mds };
  cache.set(arity, params);
  return params;
}
