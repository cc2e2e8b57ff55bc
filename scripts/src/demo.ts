// npm run demo — the main job. Until the ledger, gateways and MPC land, it runs what exists end to end
// and says plainly what is still missing.
import { createAccelerator, generateSm2KeyPair, type Sm2VerifyRequest } from '@privgate/accel';
import {
  CircuitProver,
  decodePublicSignals,
  defaultPoseidon,
  PoseidonMerkleTree,
  recordInclusionInput,
  recordLeaf,
  releaseSnarkjsCurve,
  verifyProof,
} from '@privgate/circuits';

const ministries = ['taxation', 'customs', 'market-regulation', 'state-bank'] as const;
const enc = new TextEncoder();
const say = (s: string) => process.stdout.write(s + '\n');

async function accelDemo(): Promise<void> {
  say('\n== 1. Accelerator: SM2 signatures and SM3 commitments (GB/T 32918, GB/T 32905)');
  const accel = createAccelerator({ backend: 'auto' });
  try {
    const keys = Object.fromEntries(ministries.map((m) => [m, generateSm2KeyPair()]));
    const records = Array.from({ length: 10_000 }, (_, i) =>
      enc.encode(
        JSON.stringify({ uscc: `91110000MA${String(i).padStart(8, '0')}`, arrears: (i * 7919) % 100_000 }),
      ),
    );
    const t0 = performance.now();
    const root = await accel.sm3MerkleRoot(records);
    say(
      `   taxation commits to 10,000 records: SM3 Merkle root ${Buffer.from(root).toString('hex').slice(0, 32)}… (${(performance.now() - t0).toFixed(0)} ms)`,
    );

    const messages = ministries.flatMap((m) =>
      Array.from({ length: 512 }, (_, i) => ({ m, message: enc.encode(`${m} anchor #${i}`) })),
    );
    const t1 = performance.now();
    const signatures = await accel.sm2SignBatch(
      messages.map(({ m, message }) => ({ privateKey: keys[m]!.privateKey, message, format: 'hinted' })),
    );
    const items: Sm2VerifyRequest[] = messages.map(({ m, message }, i) => ({
      publicKey: keys[m]!.publicKey,
      message,
      signature: signatures[i]!,
    }));
    items[7] = { ...items[7]!, message: enc.encode('customs anchor #7 (forged)') };
    const t2 = performance.now();
    const verdicts = await accel.sm2VerifyBatch(items);
    const t3 = performance.now();
    const rejected = verdicts.flatMap((ok, i) => (ok ? [] : [i]));
    say(
      `   ${ministries.length} ministries signed ${items.length} anchors in ${(t2 - t1).toFixed(0)} ms (${accel.backend}:${accel.parallelism})`,
    );
    say(
      `   batch verification: ${verdicts.length - rejected.length} valid, rejected item(s) ${rejected.join(', ')} (the forged one) in ${(t3 - t2).toFixed(0)} ms`,
    );
    if (rejected.length !== 1 || rejected[0] !== 7)
      throw new Error('demo: the forged anchor was not singled out');
  } finally {
    await accel.close();
  }
}

async function circuitsDemo(): Promise<void> {
  say('\n== 2. Zero-knowledge: a record is in the anchored Poseidon tree, its value stays hidden (Groth16)');
  const hasher = await defaultPoseidon();
  const random = () => BigInt('0x' + Buffer.from(crypto.getRandomValues(new Uint8Array(31))).toString('hex'));
  const records = Array.from({ length: 10_000 }, (_, i) => ({
    subjectId: 911100000000000000n + BigInt(i),
    fieldId: 1n,
    value: BigInt((i * 7919) % 100_000),
    salt: random(),
  }));
  const t0 = performance.now();
  const tree = await PoseidonMerkleTree.build(
    records.map((r) => recordLeaf(hasher, r)),
    { hasher },
  );
  say(
    `   taxation's Poseidon root over 10,000 records (depth 20): ${tree.root.toString(16).slice(0, 24)}… (${(performance.now() - t0).toFixed(0)} ms)`,
  );
  const prover = await CircuitProver.load('record_inclusion');
  const index = 4242;
  const input = recordInclusionInput(hasher, {
    record: records[index]!,
    path: tree.path(index),
    blinding: random(),
  });
  const t1 = performance.now();
  const { proof, publicSignals } = await prover.prove(input);
  const t2 = performance.now();
  const ok = await verifyProof('record_inclusion', proof, publicSignals);
  const pub = decodePublicSignals('record_inclusion', publicSignals);
  say(
    `   proof for subject …${String(pub.subjectId).slice(-4)} in ${(t2 - t1).toFixed(0)} ms; verifies: ${ok}; public: root, subject, field, value commitment (not the value)`,
  );
  const tampered = [...publicSignals];
  tampered[3] = (BigInt(tampered[3]!) + 1n).toString();
  const rejected = !(await verifyProof('record_inclusion', proof, tampered));
  say(`   the same proof with a changed value commitment is rejected: ${rejected}`);
  if (!ok || !rejected) throw new Error('demo: proof verification did not behave');
}

await accelDemo();
try {
  await circuitsDemo();
} finally {
  // snarkjs keeps worker threads behind its cached curve; release them so the demo exits.
  await releaseSnarkjsCurve();
}
say('\n== Not yet wired into this demo (open issues): the BFT ledger between validator processes, the');
say(
  '   ministry gateways with MPC, and the credit-penetration query. `npm run demo` runs them once they land.',
);
