/**
 * Verification-key registry: circuit name → the Groth16 verification key proofs of that circuit are
 * checked with. Set by a quorum of validators (`governance.ts`); the key's bytes are stored once per
 * distinct key (content-addressed by SM3), so rolling back to an earlier key costs nothing.
 *
 *   body = [circuit, vkeyHash, vkey]   vkeyHash = SM3(vkey), vkey ≤ 96 KiB (snarkjs JSON as UTF-8 bytes)
 *
 * A new key applies to proofs from the next block on (proofs of a block are verified with the keys
 * before it).
 */
import { sm3 } from '@privgate/accel';
import { type CborValue, readBytes } from '../codec/canonical.ts';
import type { StateReader } from '../state/interface.ts';
import { bytesEqual, toHex } from '../tx/bytes.ts';
import { TxKind } from '../tx/codec.ts';
import { LedgerError } from '../tx/errors.ts';
import { readDigest, readIdentifier } from '../tx/readers.ts';
import {
  approvalClaims,
  decodeGovernance,
  type GovernanceChange,
  governanceChangeBytes,
  requireQuorum,
  requireVersion,
} from './governance.ts';
import type { Contract } from './interface.ts';
import { encodeValue, encodeVkey, governanceKey, readVkey, vkeyBytesKey, vkeyKey } from './tables.ts';

/** Largest verification key. */
export const MAX_VKEY_BYTES = 96 * 1024;

/** A requested verification-key change. */
export interface VkeyChange {
  readonly circuit: string;
  readonly vkey: Uint8Array;
}

interface VkeyPayload {
  readonly gov: GovernanceChange;
  readonly circuit: string;
  readonly vkeyHash: Uint8Array;
  readonly vkey: Uint8Array;
}

/** The change bytes approvers sign to set `circuit`'s key (currently at `targetVersion`). */
export function vkeyChangeBytes(chainId: string, targetVersion: number, change: VkeyChange): Uint8Array {
  const body: CborValue[] = [change.circuit, sm3(change.vkey), change.vkey];
  return governanceChangeBytes(chainId, TxKind.vkeySet, targetVersion, body);
}

/** The bytes of a registered verification key. */
export async function readVkeyBytes(
  state: StateReader,
  vkeyHash: Uint8Array,
): Promise<Uint8Array | undefined> {
  return state.get(vkeyBytesKey(vkeyHash));
}

/** The verification-key registry contract. */
export const vkeyRegistry: Contract<VkeyPayload> = {
  kind: TxKind.vkeySet,

  decode(payload, tx) {
    const gov = decodeGovernance(payload, tx, 3);
    const circuit = readIdentifier(gov.body[0], 'vkey.circuit');
    const vkeyHash = readDigest(gov.body[1], 'vkey.hash');
    const vkey = readBytes(gov.body[2], 1, MAX_VKEY_BYTES, 'vkey.bytes');
    if (!bytesEqual(sm3(vkey), vkeyHash)) {
      throw new LedgerError(
        'VKEY_MISMATCH',
        `verification key of ${circuit} does not hash to ${toHex(vkeyHash)}`,
        { circuit },
      );
    }
    return { gov, circuit, vkeyHash, vkey };
  },

  approvals: (p) => approvalClaims(p.gov),

  async apply(ctx, { gov, circuit, vkeyHash, vkey }) {
    const current = await readVkey(ctx.state, circuit);
    requireVersion(gov, current?.version ?? 0, `verification key of ${circuit}`);
    const approvers = await requireQuorum(ctx, gov);
    const version = gov.targetVersion + 1;
    ctx.state.put(vkeyKey(circuit), encodeVkey({ circuit, vkeyHash, version }));
    if ((await ctx.state.get(vkeyBytesKey(vkeyHash))) === undefined)
      ctx.state.append(vkeyBytesKey(vkeyHash), vkey);
    ctx.state.append(governanceKey(ctx.tx.id), encodeValue([ctx.tx.kind, circuit, version, approvers]));
  },
};
