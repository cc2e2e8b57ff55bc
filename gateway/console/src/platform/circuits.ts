/**
 * `@privgate/circuits` in the browser: the circuit registry and public-signal layouts, without the
 * prover (worker threads, artifact files). Proofs are verified in the browser with snarkjs's browser
 * build (`lib/groth16.ts`). The console's Vite build resolves `@privgate/circuits` here.
 */

export { decodePublicSignals } from '../../../../circuits/src/inputs/signals.ts';
export type * from '../../../../circuits/src/inputs/types.ts';
export {
  BATCH_SIZE,
  CIRCUIT_NAMES,
  CIRCUITS,
  type CircuitDefinition,
  type CircuitName,
  SHARE_PARTIES,
  TREE_DEPTH,
} from '../../../../circuits/src/registry.ts';
export type { Groth16Proof, VerificationKey } from '../../../../circuits/src/vendor/snarkjs.ts';
