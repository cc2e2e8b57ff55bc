// The textbook Poseidon permutation with bigints, as circomlib's `Poseidon(n)` template computes it:
// state = [0, inputs…]; each round adds its constants, applies x^5 to every cell (full rounds) or to
// cell 0 (partial rounds), and multiplies by the MDS matrix; the hash is cell 0 of the final state.
// Slow (≈ 1k hashes/s) and obviously correct: the oracle for the optimised and WebAssembly forms.
import { BN254_R, FULL_ROUNDS, MAX_ARITY, poseidonParams } from './constants.ts';

const pow5 = (x: bigint, p: bigint) => {
  const x2 = (x * x) % p;
  return (((x2 * x2) % p) * x) % p;
};

/**
 * Poseidon of 1..16 field elements (each reduced modulo r first, as circomlibjs does).
 * @throws {RangeError} for 0 or more than 16 inputs, or a negative input.
 */
export function poseidonReference(inputs: readonly bigint[]): bigint {
  if (inputs.length < 1 || inputs.length > MAX_ARITY) {
    throw new RangeError(`Poseidon takes 1 to ${MAX_ARITY} inputs, got ${inputs.length}`);
  }
  const p = BN254_R;
  const { t, partialRounds, roundConstants, mds } = poseidonParams(inputs.length);
  let state = [
    0n,
    ...inputs.map((x) => {
      if (x < 0n) throw new RangeError('Poseidon inputs must be non-negative');
      return x % p;
    }),
  ];
  const half = FULL_ROUNDS / 2;
  for (let r = 0; r < FULL_ROUNDS + partialRounds; r++) {
    state = state.map((s, i) => (s + roundConstants[r * t + i]!) % p);
    if (r < half || r >= half + partialRounds) state = state.map((s) => pow5(s, p));
    else state[0] = pow5(state[0]!, p);
    state = mds.map((row) => row.reduce((acc, m, j) => (acc + m * state[j]!) % p, 0n));
  }
  return state[0]!;
}
