/**
 * The mempool: transactions waiting for a block, checked once on entry.
 *
 * Entry (`add`, a batch at a time): size limit and strict parse → not already pending (`TX_DUPLICATE`)
 * → not committed, by id and by nonce (`TX_REPLAY`), nonce not too far ahead (`TX_NONCE_GAP`), no other
 * pending transaction with the same sender and nonce (`TX_REPLAY`) → timestamp within the window of the
 * local clock (`TX_STALE`) → room left (`MEMPOOL_FULL`) → ONE accelerator batch of SM2 verifications and
 * ONE ProofVerifier batch for the whole input (`TX_BAD_SIGNATURE`, `TX_UNKNOWN_SENDER`, `PROOF_INVALID`,
 * `VKEY_UNKNOWN`) → the contract's permanent-failure precheck (a committed nullifier: `NULLIFIER_SEEN`).
 *
 * The mempool remembers what it verified (`PreverifiedTxs`), so executing a block made of its
 * transactions does not verify them again. `reap` hands the proposer runs of consecutive nonces per
 * sender, in arrival order; `update` drops what a committed block made obsolete.
 */

import { sm3 } from '@privgate/accel';
import { TX_MAX_AGE_MS, TX_MAX_FUTURE_MS } from '../block/execute.ts';
import { IdentityView } from '../contracts/identity-view.ts';
import type { ProofVerifier } from '../contracts/interface.ts';
import { type ParsedTx, parseTx } from '../contracts/registry.ts';
import { readNonces, readVkey } from '../contracts/tables.ts';
import { checkTxs, type PreverifiedTxs, type VerificationDeps } from '../contracts/verification.ts';
import type { StateStore } from '../state/store.ts';
import { byteKey, bytesEqual, toHex } from '../tx/bytes.ts';
import { decodeTx, type Tx, TxKind } from '../tx/codec.ts';
import { LedgerError, type LedgerErrorCode } from '../tx/errors.ts';

/** Options of a mempool. */
export interface MempoolInit {
  readonly chainId: string;
  /** Most pending transactions (default 100,000). */
  readonly maxTxs?: number;
  /** Most pending bytes (default 128 MiB). */
  readonly maxBytes?: number;
  /** How far past a sender's committed nonce a pending nonce may be (default 1,000). */
  readonly maxNonceAhead?: number;
  /** Clock for the timestamp window (default `Date.now`). */
  readonly now?: () => number;
}

/** Collaborators of a mempool. */
export interface MempoolComponents {
  readonly store: StateStore;
  readonly accel: VerificationDeps['accel'];
  readonly proofVerifier: ProofVerifier;
}

/** The outcome of one transaction's entry. */
export type Admission =
  | { readonly ok: true; readonly id: Uint8Array }
  | {
      readonly ok: false;
      readonly code: LedgerErrorCode;
      readonly error: LedgerError;
      readonly id?: Uint8Array;
    };

/** A transaction removed by `update` or `evict`, and why. */
export interface Eviction {
  readonly id: Uint8Array;
  readonly code: LedgerErrorCode;
}

interface Entry {
  readonly parsed: ParsedTx;
  readonly key: string;
  readonly seq: number;
  readonly publicKey: Uint8Array;
}

/** Bounded, deduplicating, replay-proof pool of verified transactions. */
export class Mempool implements PreverifiedTxs {
  readonly chainId: string;
  private readonly maxTxs: number;
  private readonly maxBytes: number;
  private readonly maxNonceAhead: number;
  private readonly now: () => number;
  private readonly store: StateStore;
  private readonly deps: VerificationDeps;
  private readonly byId = new Map<string, Entry>();
  private readonly bySender = new Map<string, Map<number, Entry>>();
  private seq = 0;
  #bytes = 0;

  constructor(init: MempoolInit, components: MempoolComponents) {
    this.chainId = init.chainId;
    this.maxTxs = init.maxTxs ?? 100_000;
    this.maxBytes = init.maxBytes ?? 128 << 20;
    this.maxNonceAhead = init.maxNonceAhead ?? 1000;
    this.now = init.now ?? Date.now;
    this.store = components.store;
    this.deps = { accel: components.accel, proofVerifier: components.proofVerifier };
  }

  /** Pending transactions. */
  get size(): number {
    return this.byId.size;
  }

  /** Pending bytes. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Whether a transaction is pending. */
  has(id: Uint8Array): boolean {
    return this.byId.has(byteKey(id));
  }

  signatureVerified(txId: Uint8Array, publicKey: Uint8Array): boolean {
    const e = this.byId.get(byteKey(txId));
    return e !== undefined && bytesEqual(e.publicKey, publicKey);
  }

  proofsVerified(txId: Uint8Array): boolean {
    return this.byId.has(byteKey(txId));
  }

  /**
   * Checks and admits a batch of transactions (signatures and proofs verified in one batch each).
   * @returns one outcome per input, in order.
   */
  async add(txs: readonly Uint8Array[]): Promise<Admission[]> {
    const out: Admission[] = new Array(txs.length);
    const reject = (i: number, error: LedgerError, id?: Uint8Array): void => {
      out[i] = { ok: false, code: error.code, error, ...(id === undefined ? {} : { id }) };
    };
    const candidates: { i: number; parsed: ParsedTx }[] = [];
    const batchIds = new Set<string>();
    for (let i = 0; i < txs.length; i++) {
      try {
        const parsed = parseTx(txs[i]!, this.chainId);
        const key = byteKey(parsed.tx.id);
        if (this.byId.has(key) || batchIds.has(key)) {
          reject(
            i,
            new LedgerError('TX_DUPLICATE', `transaction ${toHex(parsed.tx.id)} is already pending`),
            parsed.tx.id,
          );
          continue;
        }
        batchIds.add(key);
        candidates.push({ i, parsed });
      } catch (err) {
        if (!(err instanceof LedgerError)) throw err;
        reject(i, err);
      }
    }

    // Replay: committed ids, committed nonces, nonces already pending.
    const committed = await this.store.txCommitted(candidates.map((c) => c.parsed.tx.id));
    const lastNonce = await this.committedNonces(candidates.map((c) => c.parsed.tx.sender));
    const now = this.now();
    const taken = new Set<string>();
    let room = { count: this.maxTxs - this.byId.size, bytes: this.maxBytes - this.#bytes };
    const survivors: { i: number; parsed: ParsedTx }[] = [];
    for (let k = 0; k < candidates.length; k++) {
      const { i, parsed } = candidates[k]!;
      const { tx } = parsed;
      const fail = (error: LedgerError): void => reject(i, error, tx.id);
      if (committed[k]) {
        fail(new LedgerError('TX_REPLAY', `transaction ${toHex(tx.id)} is already committed`));
        continue;
      }
      const last = lastNonce.get(tx.sender)!;
      const slot = `${tx.sender}\0${tx.nonce}`;
      if (tx.nonce <= last) {
        fail(
          new LedgerError(
            'TX_REPLAY',
            `nonce ${tx.nonce} of ${tx.sender} is already committed (last ${last})`,
            { sender: tx.sender, nonce: tx.nonce, last },
          ),
        );
      } else if (tx.nonce > last + this.maxNonceAhead) {
        fail(
          new LedgerError('TX_NONCE_GAP', `nonce ${tx.nonce} of ${tx.sender} is too far ahead of ${last}`, {
            sender: tx.sender,
            nonce: tx.nonce,
            last,
          }),
        );
      } else if (this.bySender.get(tx.sender)?.has(tx.nonce) || taken.has(slot)) {
        fail(
          new LedgerError('TX_REPLAY', `nonce ${tx.nonce} of ${tx.sender} is already pending`, {
            sender: tx.sender,
            nonce: tx.nonce,
          }),
        );
      } else if (tx.timestamp < now - TX_MAX_AGE_MS || tx.timestamp > now + TX_MAX_FUTURE_MS) {
        fail(
          new LedgerError('TX_STALE', `transaction time ${tx.timestamp} is outside the window of ${now}`, {
            timestamp: tx.timestamp,
            now,
          }),
        );
      } else if (room.count < 1 || room.bytes < tx.bytes.length) {
        fail(
          new LedgerError('MEMPOOL_FULL', 'the mempool is full', {
            size: this.byId.size,
            bytes: this.#bytes,
          }),
        );
      } else {
        taken.add(slot);
        room = { count: room.count - 1, bytes: room.bytes - tx.bytes.length };
        survivors.push({ i, parsed });
      }
    }

    // Signatures and proofs, one batch each.
    const identity = new IdentityView(this.store);
    const checks = await checkTxs(
      survivors.map((s) => s.parsed),
      this.chainId,
      this.store,
      identity,
      this.deps,
    );
    for (let k = 0; k < survivors.length; k++) {
      const { i, parsed } = survivors[k]!;
      const check = checks[k]!;
      if (!check.ok) {
        reject(i, check.error, parsed.tx.id);
        continue;
      }
      try {
        await parsed.contract.precheck?.(this.store, parsed.payload);
      } catch (err) {
        if (!(err instanceof LedgerError)) throw err;
        reject(i, err, parsed.tx.id);
        continue;
      }
      // Another admission may have run during the awaits above.
      if (this.byId.has(byteKey(parsed.tx.id)) || this.bySender.get(parsed.tx.sender)?.has(parsed.tx.nonce)) {
        reject(
          i,
          new LedgerError('TX_REPLAY', `nonce ${parsed.tx.nonce} of ${parsed.tx.sender} is already pending`),
          parsed.tx.id,
        );
        continue;
      }
      this.insert(parsed, check.checked.sender.publicKey!);
      out[i] = { ok: true, id: parsed.tx.id };
    }
    return out;
  }

  /** Committed nonces of senders, read fresh (one batched read): no cache can go stale under commits. */
  private async committedNonces(senders: Iterable<string>): Promise<Map<string, number>> {
    const list = [...new Set(senders)];
    const nonces = await readNonces(this.store, list);
    return new Map(list.map((s, i) => [s, nonces[i]!]));
  }

  private insert(parsed: ParsedTx, publicKey: Uint8Array): void {
    const { tx } = parsed;
    const key = byteKey(tx.id);
    const entry: Entry = { parsed, key, seq: this.seq++, publicKey };
    this.byId.set(key, entry);
    let pending = this.bySender.get(tx.sender);
    if (pending === undefined) {
      pending = new Map();
      this.bySender.set(tx.sender, pending);
    }
    pending.set(tx.nonce, entry);
    this.#bytes += tx.bytes.length;
  }

  private remove(entry: Entry): void {
    const { tx } = entry.parsed;
    this.byId.delete(entry.key);
    const pending = this.bySender.get(tx.sender);
    pending?.delete(tx.nonce);
    if (pending?.size === 0) this.bySender.delete(tx.sender);
    this.#bytes -= tx.bytes.length;
  }

  /**
   * Transactions for the next block, at most `maxBytes` and `maxCount`: for each sender the run of
   * consecutive nonces after its committed one (read now), interleaved in arrival order.
   */
  async reapParsed(maxBytes: number, maxCount: number): Promise<ParsedTx[]> {
    const committed = await this.committedNonces(this.bySender.keys());
    const runnable: { entry: Entry; order: number }[] = [];
    for (const [sender, pending] of this.bySender) {
      let nonce = (committed.get(sender) ?? 0) + 1;
      let order = -1;
      for (let e = pending.get(nonce); e !== undefined; e = pending.get(++nonce)) {
        // A later nonce that arrived earlier still goes after its predecessor.
        order = Math.max(order, e.seq);
        runnable.push({ entry: e, order });
      }
    }
    runnable.sort((a, b) => a.order - b.order || a.entry.parsed.tx.nonce - b.entry.parsed.tx.nonce);
    const out: ParsedTx[] = [];
    const blocked = new Set<string>();
    let bytes = 0;
    for (const { entry } of runnable) {
      if (out.length >= maxCount) break;
      const { tx } = entry.parsed;
      if (blocked.has(tx.sender)) continue;
      if (bytes + tx.bytes.length > maxBytes) {
        blocked.add(tx.sender);
        continue;
      }
      bytes += tx.bytes.length;
      out.push(entry.parsed);
    }
    return out;
  }

  /** Like {@link reapParsed}, as the transactions' bytes. */
  async reap(maxBytes: number, maxCount: number): Promise<Uint8Array[]> {
    return (await this.reapParsed(maxBytes, maxCount)).map((p) => p.tx.bytes);
  }

  /**
   * Removes transactions a proposer left out of a block (with the reason it gives). A nonce gap is not
   * final (it closes when the missing nonce arrives), so those stay.
   */
  evict(failures: readonly { id?: Uint8Array; error: LedgerError }[]): Eviction[] {
    const out: Eviction[] = [];
    for (const f of failures) {
      if (f.error.code === 'TX_NONCE_GAP') continue;
      const entry = f.id === undefined ? undefined : this.byId.get(byteKey(f.id));
      if (entry === undefined) continue;
      this.remove(entry);
      out.push({ id: entry.parsed.tx.id, code: f.error.code });
    }
    return out;
  }

  /**
   * Catches up with a committed block: drops its transactions, transactions whose nonce it used up,
   * transactions of senders whose key or registration it changed, proofs whose key it replaced, and
   * transactions that have grown too old. Pass the block's `txIds` (from its execution) to save hashing.
   * @returns what was removed besides the block's own transactions, and why.
   */
  async update(block: {
    readonly txs: readonly Uint8Array[];
    readonly txIds?: readonly Uint8Array[];
  }): Promise<Eviction[]> {
    const evicted: Eviction[] = [];
    const drop = (entry: Entry, code: LedgerErrorCode): void => {
      this.remove(entry);
      evicted.push({ id: entry.parsed.tx.id, code });
    };
    const senders = new Set<string>();
    let identityChanged = false;
    let vkeysChanged = false;
    for (let i = 0; i < block.txs.length; i++) {
      const bytes = block.txs[i]!;
      // The pool's own transactions are known; only others are parsed again.
      const own = this.byId.get(byteKey(block.txIds?.[i] ?? sm3(bytes)));
      let tx: Tx;
      if (own !== undefined) {
        tx = own.parsed.tx;
        this.remove(own);
      } else {
        try {
          tx = decodeTx(bytes, { chainId: this.chainId });
        } catch {
          continue;
        }
      }
      senders.add(tx.sender);
      if (tx.kind === TxKind.identityChange) identityChanged = true;
      if (tx.kind === TxKind.vkeySet) vkeysChanged = true;
    }
    const last = await this.committedNonces([...senders].filter((s) => this.bySender.has(s)));
    for (const [sender, committed] of last) {
      for (const [nonce, entry] of [...this.bySender.get(sender)!])
        if (nonce <= committed) drop(entry, 'TX_REPLAY');
    }
    if (identityChanged) {
      const identity = new IdentityView(this.store);
      for (const entry of [...this.byId.values()]) {
        const org = await identity.active(entry.parsed.tx.sender);
        if (org === undefined) drop(entry, 'TX_UNKNOWN_SENDER');
        else if (!bytesEqual(org.publicKey!, entry.publicKey)) drop(entry, 'TX_BAD_SIGNATURE');
      }
    }
    if (vkeysChanged) {
      for (const entry of [...this.byId.values()]) {
        const proofs = entry.parsed.contract.proofs?.(entry.parsed.payload) ?? [];
        for (const item of proofs) {
          const registered = await readVkey(this.store, item.circuit);
          if (registered === undefined || !bytesEqual(registered.vkeyHash, item.vkeyHash)) {
            drop(entry, 'VKEY_UNKNOWN');
            break;
          }
        }
      }
    }
    const oldest = this.now() - TX_MAX_AGE_MS;
    for (const entry of [...this.byId.values()])
      if (entry.parsed.tx.timestamp < oldest) drop(entry, 'TX_STALE');
    return evicted;
  }
}
