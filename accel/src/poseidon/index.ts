export { BN254_R, MAX_ARITY, poseidonParams } from './constants.ts';
export { packFieldElements, unpackFieldElements } from './field-elements.ts';
export { poseidonMerkleRootPacked, zeroNodes } from './merkle.ts';
export { optimizedParams, poseidonOptimized } from './optimized.ts';
export { poseidonReference } from './reference.ts';
export { PoseidonWasm } from './wasm.ts';
