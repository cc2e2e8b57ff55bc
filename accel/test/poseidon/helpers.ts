// circomlibjs's buildPoseidon (the hash the circuits are checked against) as the oracle.

interface CircomlibPoseidon {
  (inputs: bigint[]): Uint8Array;
  F: { toObject(x: Uint8Array): bigint };
}
let built: Promise<(inputs: bigint[]) => bigint> | undefined;

/** circomlibjs's Poseidon as a bigint function. */
export function circomlibPoseidon(): Promise<(inputs: bigint[]) => bigint> {
  built ??= (async () => {
    // A non-literal specifier: circomlibjs ships no types.
    const lib = (await import(String('circomlibjs'))) as { buildPoseidon(): Promise<CircomlibPoseidon> };
    const p = await lib.buildPoseidon();
    return (inputs: bigint[]) => p.F.toObject(p(inputs));
  })();
  return built;
}

/** A uniformly random 256-bit integer. */
export function random256(): bigint {
  const w = crypto.getRandomValues(new BigUint64Array(4));
  return (w[0]! << 192n) | (w[1]! << 128n) | (w[2]! << 64n) | w[3]!;
}
