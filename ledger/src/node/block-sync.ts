/**
 * Block sync: how a validator that was down (or cut off) catches up without replaying consensus. It
 * asks a peer that is ahead for the committed blocks from its own next height, each with its commit
 * certificate, and accepts a block only if the certificate holds 2f + 1 valid SM2 precommits of
 * distinct validators for exactly that height and block hash. The block is then validated (executed,
 * signatures and proofs checked, state root compared) like any other before it is committed — a
 * certificate proves the validators decided it, the execution proves this node agrees.
 */
import { type Block, decodeBlock } from '../block/codec.ts';
import { decodeCertificate } from '../codec/consensus-codec.ts';
import { checkCertificate } from '../consensus/certificate.ts';
import type { CommitCertificate, ConsensusCrypto } from '../consensus/interface.ts';
import type { ValidatorSet } from '../consensus/validator-set.ts';
import type { StateStore } from '../state/store.ts';

/** Most bytes of blocks in one sync response (several blocks, unless one alone is larger). */
export const MAX_SYNC_RESPONSE_BYTES = 8 << 20;

/** A committed block and its certificate, as served to a peer. */
export interface SyncEntry {
  readonly block: Uint8Array;
  readonly certificate: Uint8Array;
}

/** Reads committed blocks `from`.. (at most `max`, about `MAX_SYNC_RESPONSE_BYTES`) with their certificates. */
export async function readSyncEntries(store: StateStore, from: number, max: number): Promise<SyncEntry[]> {
  const out: SyncEntry[] = [];
  let bytes = 0;
  for (let h = Math.max(1, from); h <= store.height && out.length < max; h++) {
    const [block, certificate] = await Promise.all([store.blockAt(h), store.certificate(h)]);
    if (block === undefined || certificate === undefined) break;
    if (out.length > 0 && bytes + block.bytes.length > MAX_SYNC_RESPONSE_BYTES) break;
    out.push({ block: block.bytes, certificate });
    bytes += block.bytes.length + certificate.length;
  }
  return out;
}

/** A sync entry that passed the certificate check. */
export interface CertifiedBlock {
  readonly block: Block;
  readonly certificate: CommitCertificate;
  readonly certificateBytes: Uint8Array;
}

/** Why an entry was refused. */
export type SyncRefusal = { readonly ok: false; readonly reason: string };

/**
 * Decodes an entry and checks its certificate against the validator set, for the block's own height and
 * hash. Does not execute the block.
 */
export function checkSyncEntry(
  validators: ValidatorSet,
  crypto: Pick<ConsensusCrypto, 'verify'>,
  entry: SyncEntry,
): ({ readonly ok: true } & CertifiedBlock) | SyncRefusal {
  let block: Block;
  let certificate: CommitCertificate;
  try {
    block = decodeBlock(entry.block);
    certificate = decodeCertificate(entry.certificate);
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
  const check = checkCertificate(validators, crypto, certificate, {
    height: block.header.height,
    blockHash: block.hash,
  });
  if (!check.ok) return { ok: false, reason: `certificate: ${check.fault} (${check.detail})` };
  return { ok: true, block, certificate, certificateBytes: entry.certificate };
}
