export { Groth16Engine } from './engine.ts';
export {
  type Groth16Proof,
  type Groth16VerificationKey,
  type Groth16VerifyItem,
  MAX_PUBLIC_SIGNALS,
} from './types.ts';
