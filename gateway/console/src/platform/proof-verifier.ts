/**
 * `gateway/src/ledger-client/proof-verifier.ts` in the browser: the circuits' committed verification keys
 * are bundled into the console at build time (the same files `circuits/artifacts` commits), so "the key
 * the ledger registers is the circuit's committed key" is checked against the repository's key, not
 * against anything a gateway sends. Only the query circuits are bundled.
 */
import type { CircuitName } from '@privgate/circuits';
import { sm3 } from '../../../../accel/src/sm3/sm3.ts';
import recordInclusionBatch from '../../../../circuits/artifacts/record_inclusion_batch/record_inclusion_batch.vkey.json?raw';
import shareBinding from '../../../../circuits/artifacts/share_binding/share_binding.vkey.json?raw';
import shareBindingBatch from '../../../../circuits/artifacts/share_binding_batch/share_binding_batch.vkey.json?raw';
import { toHex } from '../../../../ledger/src/tx/bytes.ts';

/** The committed verification keys the console carries: the circuits a credit-penetration query proves with. */
export const BUNDLED_VKEYS: Readonly<Partial<Record<CircuitName, string>>> = {
  record_inclusion_batch: recordInclusionBatch,
  share_binding: shareBinding,
  share_binding_batch: shareBindingBatch,
};

/** The committed key of a circuit as text (its exact file bytes, UTF-8), or undefined if not bundled. */
export function committedVkeyText(circuit: CircuitName): string | undefined {
  return BUNDLED_VKEYS[circuit];
}

/**
 * SM3 (hex) of a circuit's committed verification key, as genesis registers it.
 * @throws {Error} for a circuit whose key the console does not carry.
 */
export async function circuitVkeyHash(circuit: CircuitName): Promise<string> {
  const text = committedVkeyText(circuit);
  if (text === undefined) throw new Error(`the console does not carry the key of ${circuit}`);
  return toHex(sm3(new TextEncoder().encode(text)));
}
