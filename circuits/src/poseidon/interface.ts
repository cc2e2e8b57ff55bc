/**
 * The Poseidon hash the circuits use: circomlib's Poseidon over the BN254 scalar field (Grassi et al.,
 * "Poseidon: A New Hash Function for Zero-Knowledge Proof Systems", USENIX Security 2021), width
 * t = inputs + 1, 8 full rounds, circomlib's round constants. Implementations are injectable so that a
 * faster batch engine (e.g. from `accel`) can replace circomlibjs without touching callers.
 */
export interface PoseidonHasher {
  /**
   * Poseidon of 1 to 16 canonical field elements, as circomlib's `Poseidon(n)` computes it.
   * @throws {RangeError} for 0 or more than 16 inputs.
   */
  hash(inputs: readonly bigint[]): bigint;
  /**
   * Optional batch form used by Merkle tree builds: out[i] = Poseidon(left[i], right[i]).
   * An engine with SIMD, threads or a GPU implements this; callers fall back to `hash`.
   */
  hashPairs?(left: readonly bigint[], right: readonly bigint[]): bigint[] | Promise<bigint[]>;
}
