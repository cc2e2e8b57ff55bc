/**
 * The checks every transaction passes before it may enter a block, shared by the mempool (on entry) and
 * by block execution (for transactions this node has not verified yet):
 *
 *   parse (size first, then canonical CBOR and the kind's schema) → sender registered and active →
 *   ONE batch of SM2 verifications (transaction signatures over their received bytes, and governance
 *   approvals) through the accelerator → ONE batch of Groth16 verifications through the ProofVerifier,
 *   with the verification keys registered in the given state.
 *
 * Identities and keys are those of the given state: the committed state before the block.
 */
import type { Accelerator, Sm2VerifyRequest } from '@privgate/accel';
import type { StateReader } from '../state/interface.ts';
import { bytesEqual, toHex } from '../tx/bytes.ts';
import { txSignBytes } from '../tx/codec.ts';
import { LedgerError } from '../tx/errors.ts';
import type { IdentityView, OrgRecord } from './identity-view.ts';
import type { ProofVerificationItem, ProofVerifier } from './interface.ts';
import { type ParsedTx, parseTx } from './registry.ts';
import { readVkey } from './tables.ts';

/** Verification results this node already holds (its mempool), so a block does not verify them twice. */
export interface PreverifiedTxs {
  /** True when the signature of `txId` was verified valid with exactly `publicKey`. */
  signatureVerified(txId: Uint8Array, publicKey: Uint8Array): boolean;
  /** True when the proofs of `txId` were verified valid (proofs are bound to their key by its hash). */
  proofsVerified(txId: Uint8Array): boolean;
}

/** Collaborators of the checks. */
export interface VerificationDeps {
  readonly accel: Pick<Accelerator, 'sm2VerifyBatch'>;
  readonly proofVerifier: ProofVerifier;
  readonly preverified?: PreverifiedTxs;
}

/** A transaction that passed the checks. */
export interface CheckedTx extends ParsedTx {
  readonly sender: OrgRecord;
  /** One result per approval claim of the payload. */
  readonly approvals: readonly boolean[];
}

/** The outcome for one transaction. */
export type TxCheck =
  | { readonly ok: true; readonly checked: CheckedTx }
  | { readonly ok: false; readonly error: LedgerError; readonly id?: Uint8Array };

/**
 * Runs the checks on a list of transactions (bytes or already parsed).
 * @returns one outcome per input, in order; only unexpected failures (accelerator or verifier down) throw.
 */
export async function checkTxs(
  inputs: readonly (Uint8Array | ParsedTx)[],
  chainId: string,
  state: StateReader,
  identity: IdentityView,
  deps: VerificationDeps,
): Promise<TxCheck[]> {
  const out: TxCheck[] = new Array(inputs.length);
  const parsed: (ParsedTx | undefined)[] = inputs.map((input, i) => {
    if (!(input instanceof Uint8Array)) return input;
    try {
      return parseTx(input, chainId);
    } catch (err) {
      if (!(err instanceof LedgerError)) throw err;
      out[i] = { ok: false, error: err };
      return undefined;
    }
  });

  // Senders, and the SM2 claims of the whole list.
  const senders: (OrgRecord | undefined)[] = await Promise.all(
    parsed.map((p) => (p ? identity.active(p.tx.sender) : undefined)),
  );
  const requests: Sm2VerifyRequest[] = [];
  const owners: { i: number; approval: number }[] = []; // approval −1: the transaction's own signature
  const approvals: boolean[][] = parsed.map(() => []);
  for (let i = 0; i < parsed.length; i++) {
    const p = parsed[i];
    if (p === undefined) continue;
    const sender = senders[i];
    if (sender === undefined) {
      out[i] = fail(
        p,
        new LedgerError('TX_UNKNOWN_SENDER', `${p.tx.sender} is not a registered organisation`, {
          sender: p.tx.sender,
        }),
      );
      parsed[i] = undefined;
      continue;
    }
    if (!deps.preverified?.signatureVerified(p.tx.id, sender.publicKey!)) {
      requests.push({
        publicKey: sender.publicKey!,
        message: txSignBytes(p.tx.bytes),
        signature: p.tx.signature,
      });
      owners.push({ i, approval: -1 });
    }
    const claims = p.contract.approvals?.(p.payload) ?? [];
    approvals[i] = claims.map(() => false);
    for (let j = 0; j < claims.length; j++) {
      const claim = claims[j]!;
      const approver = await identity.active(claim.orgId);
      if (approver === undefined) continue;
      requests.push({ publicKey: approver.publicKey!, message: claim.message, signature: claim.signature });
      owners.push({ i, approval: j });
    }
  }
  const results = requests.length === 0 ? [] : await deps.accel.sm2VerifyBatch(requests);
  results.forEach((ok, k) => {
    const { i, approval } = owners[k]!;
    const p = parsed[i];
    if (p === undefined) return;
    if (approval >= 0) approvals[i]![approval] = ok;
    else if (!ok) {
      out[i] = fail(
        p,
        new LedgerError('TX_BAD_SIGNATURE', `signature of ${toHex(p.tx.id)} does not verify`, {
          sender: p.tx.sender,
        }),
      );
      parsed[i] = undefined;
    }
  });

  // Proofs, against the keys registered in `state`.
  const items: ProofVerificationItem[] = [];
  const itemOwner: number[] = [];
  for (let i = 0; i < parsed.length; i++) {
    const p = parsed[i];
    const proofs = p?.contract.proofs?.(p.payload);
    if (p === undefined || proofs === undefined || proofs.length === 0) continue;
    for (const item of proofs) {
      const registered = await readVkey(state, item.circuit);
      if (registered === undefined || !bytesEqual(registered.vkeyHash, item.vkeyHash)) {
        out[i] = fail(
          p,
          new LedgerError(
            'VKEY_UNKNOWN',
            `no verification key ${toHex(item.vkeyHash)} registered for ${item.circuit}`,
            {
              circuit: item.circuit,
            },
          ),
        );
        parsed[i] = undefined;
        break;
      }
    }
    if (parsed[i] === undefined || deps.preverified?.proofsVerified(p.tx.id)) continue;
    for (const item of proofs) {
      items.push(item);
      itemOwner.push(i);
    }
  }
  if (items.length > 0) {
    const valid = await deps.proofVerifier.verifyBatch(items);
    if (valid.length !== items.length) throw new TypeError('proofVerifier: one result per item expected');
    valid.forEach((ok, k) => {
      const i = itemOwner[k]!;
      const p = parsed[i];
      if (ok || p === undefined) return;
      out[i] = fail(
        p,
        new LedgerError('PROOF_INVALID', `proof in ${toHex(p.tx.id)} does not verify`, {
          circuit: items[k]!.circuit,
        }),
      );
      parsed[i] = undefined;
    });
  }

  parsed.forEach((p, i) => {
    if (p !== undefined)
      out[i] = { ok: true, checked: { ...p, sender: senders[i]!, approvals: approvals[i]! } };
  });
  return out;
}

function fail(p: ParsedTx, error: LedgerError): TxCheck {
  return { ok: false, error, id: p.tx.id };
}
