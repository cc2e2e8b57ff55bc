/**
 * Identity registry: the consortium's organisations, their SM2 public keys (GB/T 32918) and roles
 * (validator, gateway, agency, auditor). Genesis seeds the first set; afterwards every change is a
 * governance change approved by a quorum of validators (`governance.ts`).
 *
 *   body = [op, orgId, publicKey / null, roles, name / null]
 *     op 1 upsert: publicKey 65-byte uncompressed SEC1 point, roles ascending and non-empty
 *     op 2 remove: publicKey null, roles [], name null (the record stays, keyless, so its version keeps
 *                  counting and old approvals cannot re-add it)
 *
 * Changes take effect from the next block (signatures of a block are checked with the keys before it).
 * A change that would leave no validator is refused (`IDENTITY_INVALID`).
 */
import { parseSm2PublicKey } from '@privgate/accel';
import { type CborValue, readBytes, readInt } from '../codec/canonical.ts';
import { TxKind } from '../tx/codec.ts';
import { LedgerError } from '../tx/errors.ts';
import { readFreeText, readIdentifier } from '../tx/readers.ts';
import {
  approvalClaims,
  decodeGovernance,
  type GovernanceChange,
  governanceChangeBytes,
  requireQuorum,
  requireVersion,
} from './governance.ts';
import type { Contract } from './interface.ts';
import {
  decodeOrg,
  decodeValidators,
  encodeOrg,
  encodeValidators,
  encodeValue,
  governanceKey,
  type OrgRecord,
  orgKey,
  type Role,
  readRoles,
  validatorsKey,
} from './tables.ts';

/** Operations of an identity change. */
export const IdentityOp = { upsert: 1, remove: 2 } as const;

/** A requested identity change. */
export type IdentityChange =
  | {
      readonly op: 'upsert';
      readonly orgId: string;
      readonly publicKey: Uint8Array;
      readonly roles: readonly Role[];
      readonly name?: string;
    }
  | { readonly op: 'remove'; readonly orgId: string };

interface IdentityPayload {
  readonly gov: GovernanceChange;
  readonly change: IdentityChange;
}

/** The change bytes approvers sign for an identity change of an org currently at `targetVersion`. */
export function identityChangeBytes(
  chainId: string,
  targetVersion: number,
  change: IdentityChange,
): Uint8Array {
  const body: CborValue[] =
    change.op === 'upsert'
      ? [IdentityOp.upsert, change.orgId, change.publicKey, [...change.roles].sort(), change.name ?? null]
      : [IdentityOp.remove, change.orgId, null, [], null];
  return governanceChangeBytes(chainId, TxKind.identityChange, targetVersion, body);
}

function decodeChange(body: readonly CborValue[]): IdentityChange {
  const op = readInt(body[0], 1, 2, 'identity.op');
  const orgId = readIdentifier(body[1], 'identity.orgId');
  if (op === IdentityOp.remove) {
    if (body[2] !== null || !Array.isArray(body[3]) || body[3].length !== 0 || body[4] !== null) {
      throw new LedgerError('TX_MALFORMED', 'identity removal carries no key, roles or name');
    }
    return { op: 'remove', orgId };
  }
  const publicKey = readBytes(body[2], 65, 65, 'identity.publicKey');
  const roles = readRoles(body[3], 'identity.roles', false);
  const name = body[4] === null ? undefined : readFreeText(body[4], 256, 'identity.name');
  return { op: 'upsert', orgId, publicKey, roles, ...(name === undefined ? {} : { name }) };
}

/** The identity registry contract. */
export const identityRegistry: Contract<IdentityPayload> = {
  kind: TxKind.identityChange,

  decode(payload, tx) {
    const gov = decodeGovernance(payload, tx, 5);
    return { gov, change: decodeChange(gov.body) };
  },

  approvals: (p) => approvalClaims(p.gov),

  async apply(ctx, { gov, change }) {
    const currentBytes = await ctx.state.get(orgKey(change.orgId));
    const current = currentBytes === undefined ? undefined : decodeOrg(change.orgId, currentBytes);
    requireVersion(gov, current?.version ?? 0, `organisation ${change.orgId}`);
    const approvers = await requireQuorum(ctx, gov);
    let next: OrgRecord;
    if (change.op === 'upsert') {
      try {
        parseSm2PublicKey(change.publicKey);
      } catch {
        throw new LedgerError('IDENTITY_INVALID', `public key of ${change.orgId} is not an SM2 point`);
      }
      next = {
        id: change.orgId,
        publicKey: change.publicKey,
        roles: change.roles,
        version: gov.targetVersion + 1,
        name: change.name ?? null,
      };
    } else {
      if (current?.publicKey == null)
        throw new LedgerError('IDENTITY_INVALID', `${change.orgId} is not registered`);
      next = { id: change.orgId, publicKey: null, roles: [], version: gov.targetVersion + 1, name: null };
    }
    const listBytes = await ctx.state.get(validatorsKey);
    const validators = new Set(listBytes === undefined ? [] : decodeValidators(listBytes));
    if (next.roles.includes('validator')) validators.add(change.orgId);
    else validators.delete(change.orgId);
    if (validators.size === 0)
      throw new LedgerError('IDENTITY_INVALID', 'the change would leave no validator');
    ctx.state.put(orgKey(change.orgId), encodeOrg(next));
    ctx.state.put(validatorsKey, encodeValidators([...validators]));
    ctx.state.append(
      governanceKey(ctx.tx.id),
      encodeValue([ctx.tx.kind, change.orgId, next.version, approvers]),
    );
  },
};
