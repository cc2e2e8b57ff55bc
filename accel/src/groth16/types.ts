// Groth16 objects in snarkjs's JSON shapes (BN254, "bn128"): decimal strings, points in Jacobian
// coordinates [x, y, z] (z = "1" for an affine point, "0" for infinity), G2 coordinates as [c0, c1].

/** A Groth16 proof as snarkjs writes it. */
export interface Groth16Proof {
  pi_a: readonly string[];
  pi_b: readonly (readonly string[])[];
  pi_c: readonly string[];
  protocol?: string;
  curve?: string;
}

/** A verification key as snarkjs's `zkey export verificationkey` writes it. */
export interface Groth16VerificationKey {
  protocol: string;
  curve: string;
  nPublic: number;
  vk_alpha_1: readonly string[];
  vk_beta_2: readonly (readonly string[])[];
  vk_gamma_2: readonly (readonly string[])[];
  vk_delta_2: readonly (readonly string[])[];
  IC: readonly (readonly string[])[];
  [field: string]: unknown;
}

/** One proof to check with its public signals (decimal strings, snarkjs order). */
export interface Groth16VerifyItem {
  proof: Groth16Proof;
  publicSignals: readonly string[];
}

/** Largest number of public signals a key may declare. */
export const MAX_PUBLIC_SIGNALS = 1024;
