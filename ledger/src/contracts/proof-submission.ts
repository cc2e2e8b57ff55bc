/**
 * Proof transactions: a Groth16 proof of a registered circuit, recorded on the ledger so audit entries can
 * reference it by id. Every validator verifies the proof through the `ProofVerifier` (in one batch per
 * block, before applying it) against the key registered for the circuit in the state before the block;
 * a transaction with an invalid proof, or one naming another key, never enters a block.
 *
 *   payload = [circuit, vkeyHash, proof, publicSignals, context / null]
 *     circuit        identifier with a registered verification key
 *     vkeyHash       bstr 32, must be the registered key's hash (pins the key the prover used)
 *     proof          bstr 256 (`groth16.ts`)
 *     publicSignals  [bstr 32, ...], 1..64 field elements, snarkjs order
 *     context        bstr 32 or null: what the proof is about (a query id), bound by the tx signature
 *
 * The proof's id is its transaction id. Gateways and agencies may submit proofs.
 */
import { sm3 } from '@privgate/accel';
import { type CborValue, readBytes, readList, readTuple } from '../codec/canonical.ts';
import { concatBytes } from '../tx/bytes.ts';
import { TxKind } from '../tx/codec.ts';
import { LedgerError } from '../tx/errors.ts';
import { readDigest, readIdentifier } from '../tx/readers.ts';
import {
  decodeGroth16Proof,
  decodeSignal,
  encodeGroth16Proof,
  encodeSignal,
  GROTH16_PROOF_BYTES,
} from './groth16.ts';
import type { Contract, Groth16Proof, ProofVerificationItem } from './interface.ts';
import { encodeValue, proofKey } from './tables.ts';

/** Most public signals a proof transaction carries. */
export const MAX_PUBLIC_SIGNALS = 64;

/** A proof to submit. */
export interface ProofSubmission {
  readonly circuit: string;
  readonly vkeyHash: Uint8Array;
  readonly proof: Groth16Proof;
  readonly publicSignals: readonly string[];
  readonly context: Uint8Array | null;
}

/** The payload tuple of a proof submission. @throws {LedgerError} `TX_MALFORMED` for a malformed proof. */
export function proofSubmissionPayload(p: ProofSubmission): CborValue[] {
  return [p.circuit, p.vkeyHash, encodeGroth16Proof(p.proof), p.publicSignals.map(encodeSignal), p.context];
}

interface ProofPayload extends ProofSubmission {
  readonly signalBytes: readonly Uint8Array[];
}

/** The proof submission contract. */
export const proofSubmission: Contract<ProofPayload> = {
  kind: TxKind.proofSubmit,

  decode(payload) {
    const f = readTuple(payload, 5, 'proof');
    const signalBytes = readList(f[3], MAX_PUBLIC_SIGNALS, 'proof.publicSignals').map((s, i) =>
      readBytes(s, 32, 32, `proof.publicSignals[${i}]`),
    );
    if (signalBytes.length === 0)
      throw new LedgerError('TX_MALFORMED', 'proof.publicSignals: at least one signal');
    return {
      circuit: readIdentifier(f[0], 'proof.circuit'),
      vkeyHash: readDigest(f[1], 'proof.vkeyHash'),
      proof: decodeGroth16Proof(readBytes(f[2], GROTH16_PROOF_BYTES, GROTH16_PROOF_BYTES, 'proof.proof')),
      publicSignals: signalBytes.map(decodeSignal),
      signalBytes,
      context: f[4] === null ? null : readDigest(f[4], 'proof.context'),
    };
  },

  proofs: (p): ProofVerificationItem[] => [
    { circuit: p.circuit, vkeyHash: p.vkeyHash, proof: p.proof, publicSignals: p.publicSignals },
  ],

  async apply(ctx, p) {
    if (!ctx.sender.roles.includes('gateway') && !ctx.sender.roles.includes('agency')) {
      throw new LedgerError('TX_FORBIDDEN', `${ctx.sender.id} may not submit proofs`, {
        sender: ctx.sender.id,
      });
    }
    ctx.state.append(
      proofKey(ctx.tx.id),
      encodeValue([
        p.circuit,
        p.vkeyHash,
        sm3(concatBytes(...p.signalBytes)),
        ctx.sender.id,
        ctx.env.height,
        p.context,
      ]),
    );
  },
};
