/**
 * Consortium governance: changes to the identity, verification-key and policy registries are approved by
 * a quorum of the validator organisations, each signing the exact bytes of the change.
 *
 *   payload   = [change, approvals]
 *   change    = bstr: canonical CBOR of [1, chainId, kind, targetVersion, ...body]
 *   approvals = [[orgId, signature], ...]   strictly ascending by orgId, signature 96 bytes (hinted SM2)
 *   signed    = "privgate/ledger/v1/governance\0" ‖ change
 *
 * `targetVersion` is the current version of the record being changed (0 when it does not exist yet); the
 * change bumps it, so approvals can never be replayed, neither after the change nor after a later one.
 * The chain id and kind are inside the signed bytes, so approvals do not carry over to another chain or
 * registry. Validators and keys are those of the state before the block (see `ApplyContext.identity`).
 */
import type { Sm2Signer } from '@privgate/accel';
import {
  type CborValue,
  decodeCanonical,
  encodeCanonical,
  readBytes,
  readInt,
  readList,
  readTuple,
} from '../codec/canonical.ts';
import { concatBytes } from '../tx/bytes.ts';
import { MAX_ANY_TX_BYTES, TX_SIGNATURE_BYTES, type Tx, type TxKind } from '../tx/codec.ts';
import { LedgerError } from '../tx/errors.ts';
import { readIdentifier, readUint } from '../tx/readers.ts';
import type { ApplyContext, ApprovalClaim } from './interface.ts';

/** Schema version inside `change`. */
export const GOVERNANCE_VERSION = 1;
/** Domain tag of approvals. */
export const GOVERNANCE_DOMAIN: Uint8Array = new Uint8Array(
  Buffer.from('privgate/ledger/v1/governance\0', 'ascii'),
);
/** Most approvals a change carries. */
export const MAX_APPROVALS = 1000;

/** A decoded governance change. */
export interface GovernanceChange {
  /** The exact signed bytes. */
  readonly bytes: Uint8Array;
  readonly targetVersion: number;
  readonly body: readonly CborValue[];
  readonly approvals: readonly { readonly orgId: string; readonly signature: Uint8Array }[];
}

/** The canonical bytes of a change, what approvers sign (after the domain tag). */
export function governanceChangeBytes(
  chainId: string,
  kind: TxKind,
  targetVersion: number,
  body: readonly CborValue[],
): Uint8Array {
  return encodeCanonical([GOVERNANCE_VERSION, chainId, kind, targetVersion, ...body]);
}

/** An approver's signature over change bytes. */
export function signApproval(change: Uint8Array, signer: Sm2Signer): Uint8Array {
  return signer.sign(concatBytes(GOVERNANCE_DOMAIN, change), 'hinted');
}

/** The payload tuple carrying a change and its approvals (sorted here). */
export function governancePayload(
  change: Uint8Array,
  approvals: readonly { orgId: string; signature: Uint8Array }[],
): CborValue[] {
  const sorted = [...approvals].sort((a, b) => (a.orgId < b.orgId ? -1 : a.orgId > b.orgId ? 1 : 0));
  return [change, sorted.map((a) => [a.orgId, a.signature])];
}

/**
 * Parses a governance payload whose body has `bodyLength` items.
 * @throws {CodecError} or {LedgerError} `TX_MALFORMED`, `TX_WRONG_CHAIN`.
 */
export function decodeGovernance(
  payload: readonly CborValue[],
  tx: Tx,
  bodyLength: number,
): GovernanceChange {
  const f = readTuple(payload, 2, 'governance');
  const bytes = readBytes(f[0], 1, MAX_ANY_TX_BYTES, 'governance.change');
  const c = readTuple(decodeCanonical(bytes, MAX_ANY_TX_BYTES, 'change'), 4 + bodyLength, 'change');
  readInt(c[0], GOVERNANCE_VERSION, GOVERNANCE_VERSION, 'change.version');
  if (c[1] !== tx.chainId) throw new LedgerError('TX_WRONG_CHAIN', 'governance change for another chain');
  if (c[2] !== tx.kind) throw new LedgerError('TX_MALFORMED', 'governance change for another kind');
  const list = readList(f[1], MAX_APPROVALS, 'governance.approvals');
  const approvals = list.map((a, i) => {
    const t = readTuple(a, 2, `approvals[${i}]`);
    return {
      orgId: readIdentifier(t[0], `approvals[${i}].orgId`),
      signature: readBytes(t[1], TX_SIGNATURE_BYTES, TX_SIGNATURE_BYTES, `approvals[${i}].signature`),
    };
  });
  for (let i = 1; i < approvals.length; i++) {
    if (!(approvals[i - 1]!.orgId < approvals[i]!.orgId)) {
      throw new LedgerError('TX_MALFORMED', 'approvals must be strictly ascending by orgId');
    }
  }
  return { bytes, targetVersion: readUint(c[3], 'change.targetVersion'), body: c.slice(4), approvals };
}

/** The signature claims of a change, for batch verification. */
export function approvalClaims(change: GovernanceChange): ApprovalClaim[] {
  const message = concatBytes(GOVERNANCE_DOMAIN, change.bytes);
  return change.approvals.map((a) => ({ orgId: a.orgId, message, signature: a.signature }));
}

/** The validators whose approvals are valid (signature checked in the block batch). */
export async function validApprovers(ctx: ApplyContext, change: GovernanceChange): Promise<string[]> {
  const validators = new Set(await ctx.identity.validators());
  return change.approvals
    .filter((a, i) => ctx.approvals[i] === true && validators.has(a.orgId))
    .map((a) => a.orgId);
}

/**
 * Requires a quorum of valid validator approvals.
 * @returns the approvers.
 * @throws {LedgerError} `QUORUM_NOT_MET`.
 */
export async function requireQuorum(ctx: ApplyContext, change: GovernanceChange): Promise<string[]> {
  const approvers = await validApprovers(ctx, change);
  const quorum = await ctx.identity.quorum();
  if (approvers.length < quorum) {
    throw new LedgerError(
      'QUORUM_NOT_MET',
      `${approvers.length} valid validator approvals, ${quorum} needed`,
      {
        valid: approvers.length,
        quorum,
      },
    );
  }
  return approvers;
}

/**
 * Requires `targetVersion` to be the record's current version.
 * @throws {LedgerError} `VERSION_CONFLICT`.
 */
export function requireVersion(change: GovernanceChange, current: number, target: string): void {
  if (change.targetVersion !== current) {
    throw new LedgerError(
      'VERSION_CONFLICT',
      `${target} is at version ${current}, change approved for ${change.targetVersion}`,
      {
        current,
        approved: change.targetVersion,
      },
    );
  }
}
