// The node's Groth16ProofVerifier (accelerator batches per registered key) against the snarkjs verifier
// of the test harness, on real proofs of the multiplier circuit registered at genesis: valid, tampered,
// under an unknown key hash, and under registered bytes that are not a key — on the workers backend and
// on the default single-thread engine.
import { createWorkersAccelerator, type PrivGateAccelerator, sm3 } from '@privgate/accel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProofVerificationItem } from '../../src/contracts/interface.ts';
import { Groth16ProofVerifier } from '../../src/node/groth16-verifier.ts';
import {
  genesisDoc,
  MULTIPLIER_PROOFS,
  MULTIPLIER_VKEY,
  openLedger,
  SnarkjsVerifier,
  type TestLedger,
  terminateSnarkjs,
} from '../app/harness.ts';

const NOT_A_KEY = new TextEncoder().encode('{"protocol":"groth16","curve":"bn128","nPublic":2}');

let ledger: TestLedger;
let accel: PrivGateAccelerator;
let items: ProofVerificationItem[];

beforeAll(async () => {
  ledger = await openLedger({
    genesis: genesisDoc({
      vkeys: [
        { circuit: 'multiplier', vkey: MULTIPLIER_VKEY },
        { circuit: 'broken', vkey: NOT_A_KEY },
      ],
    }),
  });
  accel = createWorkersAccelerator({ size: 2 }) as PrivGateAccelerator;
  const item = (
    i: number,
    change?: (signals: string[]) => void,
    vkey = MULTIPLIER_VKEY,
  ): ProofVerificationItem => {
    const { proof, publicSignals } = MULTIPLIER_PROOFS[i % MULTIPLIER_PROOFS.length]!;
    const signals = [...publicSignals];
    change?.(signals);
    return { circuit: 'multiplier', vkeyHash: sm3(vkey), proof, publicSignals: signals };
  };
  items = [
    item(0),
    item(1),
    item(2, (s) => {
      s[0] = String(BigInt(s[0]!) + 1n);
    }),
    item(0, undefined, new TextEncoder().encode('no such key')),
    item(1, undefined, NOT_A_KEY),
    item(2),
    item(0, (s) => {
      s.pop();
    }),
  ];
});
afterAll(async () => {
  await accel?.close();
  await ledger?.close();
  await terminateSnarkjs();
});

describe('Groth16ProofVerifier', () => {
  it('answers per item what snarkjs answers, batching per registered key (workers backend)', async () => {
    const verifier = new Groth16ProofVerifier(ledger.store, accel);
    const got = await verifier.verifyBatch(items);
    expect(got).toEqual([true, true, false, false, false, true, false]);
    // The oracle agrees wherever it can read the key (it throws on registered bytes that are not one).
    const oracle = new SnarkjsVerifier(ledger.store);
    const readable = [0, 1, 2, 3, 5, 6];
    expect(await oracle.verifyBatch(readable.map((i) => items[i]!))).toEqual(readable.map((i) => got[i]));
    expect(verifier.verified).toBe(6);
  });

  it('runs on a single-thread engine when built without an accelerator', async () => {
    const verifier = new Groth16ProofVerifier(ledger.store);
    expect(await verifier.verifyBatch(items)).toEqual([true, true, false, false, false, true, false]);
    expect(await verifier.verifyBatch([])).toEqual([]);
  });
});
