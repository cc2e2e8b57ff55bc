// npm run demo — the main job. Until the ledger, gateways and MPC land, it runs what exists end to end
// and says plainly what is still missing.
import { createAccelerator, generateSm2KeyPair, type Sm2VerifyRequest } from '@privgate/accel';

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

await accelDemo();
say('\n== Not yet built (open issues): the BFT ledger between validators, the ministry gateways with');
say(
  '   Groth16 proofs and MPC, and the credit-penetration query. `npm run demo` will run them here once they land.',
);
