/**
 * The contract of the native system contracts: how a kind's payload is parsed, which signatures and
 * proofs it carries (verified in batches before the block is applied), and how it changes the state.
 */
import type { CborValue } from '../codec/canonical.ts';
import type { StateReader } from '../state/interface.ts';
import type { StateOverlay } from '../state/overlay.ts';
import type { Tx, TxKind } from '../tx/codec.ts';
import type { IdentityView, OrgRecord } from './identity-view.ts';

/** A Groth16 proof in snarkjs's JSON shape (BN254, projective coordinates as decimal strings). */
export interface Groth16Proof {
  pi_a: [string, string, string];
  pi_b: [[string, string], [string, string], [string, string]];
  pi_c: [string, string, string];
  protocol: 'groth16';
  curve: 'bn128';
}

/** One proof to verify: the verification key is the one registered under `vkeyHash` (SM3 of its bytes). */
export interface ProofVerificationItem {
  readonly circuit: string;
  readonly vkeyHash: Uint8Array;
  readonly proof: Groth16Proof;
  /** Public signals in snarkjs order, decimal strings below the BN254 scalar field modulus. */
  readonly publicSignals: readonly string[];
}

/**
 * Collaborator that verifies Groth16 proofs (a snarkjs- or circuits-backed implementation). Answers one
 * boolean per item, in order; a wrong proof is `false`, never an exception.
 */
export interface ProofVerifier {
  verifyBatch(items: readonly ProofVerificationItem[]): Promise<boolean[]>;
}

/** A signature embedded in a payload (a governance approval): who signed what. */
export interface ApprovalClaim {
  readonly orgId: string;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
}

/** The block a transaction is applied in. */
export interface BlockEnv {
  readonly chainId: string;
  readonly height: number;
  readonly timestamp: number;
  readonly proposer: string;
}

/** What a contract sees while applying one transaction. */
export interface ApplyContext {
  /** The block's working state (reads see earlier transactions of the block). */
  readonly state: StateOverlay;
  /**
   * Identities as of the state BEFORE this block: keys, roles and the validator set used for every
   * signature and permission check of the block. Identity changes take effect from the next block.
   */
  readonly identity: IdentityView;
  readonly env: BlockEnv;
  readonly tx: Tx;
  readonly txIndex: number;
  /** The sender's record (active, as of the state before the block). */
  readonly sender: OrgRecord;
  /** One result per claim of `Contract.approvals`, same order, verified with the pre-block keys. */
  readonly approvals: readonly boolean[];
}

/** A native contract: one transaction kind. */
export interface Contract<P = unknown> {
  readonly kind: TxKind;
  /**
   * Parses the payload tuple.
   * @throws {CodecError} or {LedgerError} `TX_MALFORMED` when it does not follow the schema.
   */
  decode(payload: readonly CborValue[], tx: Tx): P;
  /** Signatures the payload carries besides the transaction's own. */
  approvals?(payload: P): ApprovalClaim[];
  /** Proofs the payload carries (verified before apply; a tx with an invalid one never enters a block). */
  proofs?(payload: P): ProofVerificationItem[];
  /**
   * Optional early refusal on mempool entry, against the committed state: throws only for failures that
   * can never go away (a nullifier already committed), so a valid transaction is never turned away.
   */
  precheck?(state: StateReader, payload: P): Promise<void>;
  /**
   * Applies the transaction to `ctx.state`. On a thrown {@link LedgerError} the executor undoes every
   * write of the transaction.
   */
  apply(ctx: ApplyContext, payload: P): Promise<void>;
}
