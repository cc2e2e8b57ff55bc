// The circuits' Poseidon Merkle tree (`merkle.circom`): node = Poseidon(left, right), missing leaves 0,
// empty subtrees hashed up from 0. Built level by level over packed 32-byte little-endian nodes.
import type { PoseidonWasm } from './wasm.ts';

const ELEMENT = 32;

/** zero[l] = root of an empty subtree of height l (zero[0] = 0), for l = 0..depth. */
export function zeroNodes(engine: PoseidonWasm, depth: number): Uint8Array[] {
  const out: Uint8Array[] = [new Uint8Array(ELEMENT)];
  for (let l = 0; l < depth; l++) {
    const z = out[l]!;
    const pair = new Uint8Array(2 * ELEMENT);
    pair.set(z, 0);
    pair.set(z, ELEMENT);
    out.push(engine.hashPacked(2, pair, 1));
  }
  return out;
}

/** Root of the tree of `depth` over `leaves` (at most 2^depth of them). */
export function poseidonMerkleRootPacked(
  engine: PoseidonWasm,
  leaves: Uint8Array,
  depth: number,
): Uint8Array {
  const zeros = zeroNodes(engine, depth);
  let level = leaves;
  for (let l = 0; l < depth; l++) {
    const count = level.length / ELEMENT;
    if (count === 0) return zeros[depth]!;
    let pairs = level;
    if (count % 2 === 1) {
      pairs = new Uint8Array(level.length + ELEMENT);
      pairs.set(level);
      pairs.set(zeros[l]!, level.length);
    }
    level = engine.hashPacked(2, pairs, pairs.length / (2 * ELEMENT));
  }
  return level.length === 0 ? zeros[depth]! : level.slice(0, ELEMENT);
}
