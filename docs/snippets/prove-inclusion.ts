// A Groth16 proof that a committed value is a record under a dataset's root, and its verification.
import {
  CircuitProver,
  decodePublicSignals,
  defaultPoseidon,
  PoseidonMerkleTree,
  type RecordInclusionPublic,
  randomFieldElement,
  recordInclusionInput,
  recordLeaf,
  verifyProof,
} from '@privgate/circuits';

export async function proveInclusion(): Promise<{
  verifies: boolean;
  tamperedVerifies: boolean;
  publicSignals: RecordInclusionPublic;
}> {
  const hasher = await defaultPoseidon();
  const records = Array.from({ length: 8 }, (_, i) => ({
    subjectId: 5000n + BigInt(i),
    fieldId: 2n,
    value: BigInt(i * 1000),
    salt: randomFieldElement(),
  }));
  const tree = await PoseidonMerkleTree.build(
    records.map((r) => recordLeaf(hasher, r)),
    { hasher },
  );

  const input = recordInclusionInput(hasher, {
    record: records[3]!,
    path: tree.path(3),
    blinding: randomFieldElement(),
  });
  const prover = await CircuitProver.load('record_inclusion'); // committed wasm + zkey, loaded once
  const { proof, publicSignals } = await prover.prove(input);

  const verifies = await verifyProof('record_inclusion', proof, publicSignals);
  // Any change to a public signal (here the value commitment) makes the proof fail.
  const tampered = [...publicSignals];
  tampered[3] = (BigInt(tampered[3]!) + 1n).toString();
  const tamperedVerifies = await verifyProof('record_inclusion', proof, tampered);

  return {
    verifies,
    tamperedVerifies,
    publicSignals: decodePublicSignals('record_inclusion', publicSignals),
  };
}
