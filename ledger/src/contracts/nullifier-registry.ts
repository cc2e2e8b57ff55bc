/**
 * Nullifier registry: invoice nullifiers (Poseidon outputs of the invoice-nullifier circuit) registered in
 * batches, so the same invoice can never be financed twice.
 *
 *   payload = [nullifiers]      1..1024 byte strings of 32 bytes
 *
 * A batch is all or nothing: if any nullifier was seen before (committed, earlier in the same block, or
 * earlier in the same batch) the whole entry is refused with `NULLIFIER_SEEN`, whose context names the
 * nullifier (hex), its index in the batch and where it was seen. Only gateways register nullifiers.
 *
 * Lookups are one batched read per transaction (`getMany`): the block's own writes first, then a Bloom
 * pre-filter in front of LevelDB, so a fresh nullifier (the common case) costs no disk read.
 */
import { type CborValue, readList, readTuple } from '../codec/canonical.ts';
import { byteKey, toHex } from '../tx/bytes.ts';
import { TxKind } from '../tx/codec.ts';
import { LedgerError } from '../tx/errors.ts';
import type { Contract } from './interface.ts';
import { encodeValue, nullifierKey } from './tables.ts';

/** Most nullifiers in one transaction (≈ 35 KiB encoded). */
export const MAX_NULLIFIERS_PER_TX = 1024;

/** The payload tuple of a nullifier batch. */
export function nullifierBatchPayload(nullifiers: readonly Uint8Array[]): CborValue[] {
  return [[...nullifiers]];
}

function seen(nullifier: Uint8Array, index: number, where: 'batch' | 'state'): LedgerError {
  const hex = toHex(nullifier);
  return new LedgerError(
    'NULLIFIER_SEEN',
    `nullifier ${hex} (index ${index}) was already seen in the ${where}`,
    {
      nullifier: hex,
      index,
      where,
    },
  );
}

function duplicatesInBatch(nullifiers: readonly Uint8Array[]): void {
  const inBatch = new Set<string>();
  nullifiers.forEach((n, i) => {
    const k = byteKey(n);
    if (inBatch.has(k)) throw seen(n, i, 'batch');
    inBatch.add(k);
  });
}

/** The nullifier registry contract. */
export const nullifierRegistry: Contract<readonly Uint8Array[]> = {
  kind: TxKind.nullifierBatch,

  decode(payload) {
    const f = readTuple(payload, 1, 'nullifiers');
    const list = readList(f[0], MAX_NULLIFIERS_PER_TX, 'nullifiers');
    if (list.length === 0) throw new LedgerError('TX_MALFORMED', 'nullifiers: at least one');
    // readBytes copies through an iterator; a length check and a slice are enough here and much faster.
    return list.map((n, i) => {
      if (!(n instanceof Uint8Array) || n.length !== 32)
        throw new LedgerError('TX_MALFORMED', `nullifiers[${i}]: expected 32 bytes`);
      return n.slice();
    });
  },

  async precheck(state, nullifiers) {
    duplicatesInBatch(nullifiers);
    const found = await state.getMany(nullifiers.map(nullifierKey));
    const at = found.findIndex((v) => v !== undefined);
    if (at >= 0) throw seen(nullifiers[at]!, at, 'state');
  },

  async apply(ctx, nullifiers) {
    if (!ctx.sender.roles.includes('gateway')) {
      throw new LedgerError('TX_FORBIDDEN', `${ctx.sender.id} is not a gateway`, { sender: ctx.sender.id });
    }
    const existing = await ctx.state.appendAllIfAbsent(
      nullifiers.map(nullifierKey),
      encodeValue([ctx.env.height]),
    );
    if (existing !== undefined) throw seen(nullifiers[existing.index]!, existing.index, existing.where);
  },
};
