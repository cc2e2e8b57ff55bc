/**
 * Block execution: applies a list of transactions to the committed state, deterministically.
 *
 * Order of checks, for each transaction of the block:
 *   1. envelope (contracts/verification.ts), against the state BEFORE the block: size, canonical schema,
 *      chain, registered sender, SM2 signature over the received bytes, Groth16 proofs — in one batch each;
 *   2. in block order, against the working state: nonce = sender's nonce + 1 (`TX_REPLAY` below,
 *      `TX_NONCE_GAP` above), timestamp within [block time − 10 min, block time + 30 s] (`TX_STALE`),
 *      then the contract's own rules.
 *
 * A transaction that fails any check is EXCLUDED, never recorded as failed: it changes nothing (its
 * writes are undone from a savepoint, its nonce is not consumed) and a block containing it is invalid.
 * `propose` mode drops such transactions and reports them (the proposer builds only valid blocks);
 * `validate` mode throws the first failure's error (the block is refused). So every transaction in a
 * committed block was applied in full, and the state never holds part of a transaction.
 *
 * Determinism: the result depends only on the committed state, the block's environment (height, time,
 * proposer) and the transactions' bytes. Signature and proof checks are pure functions of those, so
 * skipping the ones this node's mempool already did (`preverified`) cannot change the outcome.
 */

import { IdentityView } from '../contracts/identity-view.ts';
import type { ApplyContext, BlockEnv } from '../contracts/interface.ts';
import type { ParsedTx } from '../contracts/registry.ts';
import { accountKey, encodeAccount, readNonce } from '../contracts/tables.ts';
import { type CheckedTx, checkTxs, type VerificationDeps } from '../contracts/verification.ts';
import type { StateOverlay } from '../state/overlay.ts';
import type { PreparedState, StateStore } from '../state/store.ts';
import { LedgerError } from '../tx/errors.ts';

/** How far a transaction's timestamp may lag the block's. */
export const TX_MAX_AGE_MS = 10 * 60_000;
/** How far a transaction's timestamp may lead the block's. */
export const TX_MAX_FUTURE_MS = 30_000;

/** `validate`: any failure refuses the block. `propose`: failing transactions are left out. */
export type ExecutionMode = 'validate' | 'propose';

/** A transaction left out of a proposed block, and why. */
export interface TxFailure {
  readonly index: number;
  readonly id?: Uint8Array;
  readonly error: LedgerError;
}

/** The outcome of executing a block: what to commit, and the state root it gives. */
export interface BlockExecution {
  readonly env: BlockEnv;
  /** The transactions applied, in order (all of the input in `validate` mode). */
  readonly txs: readonly Uint8Array[];
  readonly txIds: readonly Uint8Array[];
  /** Transactions left out (`propose` mode only). */
  readonly excluded: readonly TxFailure[];
  readonly prepared: PreparedState;
  readonly stateRoot: Uint8Array;
}

/**
 * Checks the time and nonce rules of one transaction against the working state, and consumes the nonce.
 * @throws {LedgerError} `TX_STALE`, `TX_REPLAY`, `TX_NONCE_GAP`.
 */
async function applyEnvelope(state: StateOverlay, p: ParsedTx, env: BlockEnv): Promise<void> {
  const { tx } = p;
  if (tx.timestamp < env.timestamp - TX_MAX_AGE_MS || tx.timestamp > env.timestamp + TX_MAX_FUTURE_MS) {
    throw new LedgerError(
      'TX_STALE',
      `transaction time ${tx.timestamp} is outside the window of block time ${env.timestamp}`,
      {
        timestamp: tx.timestamp,
        blockTime: env.timestamp,
      },
    );
  }
  const last = await readNonce(state, tx.sender);
  if (tx.nonce <= last) {
    throw new LedgerError('TX_REPLAY', `nonce ${tx.nonce} of ${tx.sender} is already used (last ${last})`, {
      sender: tx.sender,
      nonce: tx.nonce,
      last,
    });
  }
  if (tx.nonce !== last + 1) {
    throw new LedgerError('TX_NONCE_GAP', `nonce ${tx.nonce} of ${tx.sender} skips ${last + 1}`, {
      sender: tx.sender,
      nonce: tx.nonce,
      expected: last + 1,
    });
  }
  state.put(accountKey(tx.sender), encodeAccount(tx.nonce));
}

function annotate(err: LedgerError, index: number): LedgerError {
  return new LedgerError(err.code, `tx ${index}: ${err.message}`, { ...err.context, txIndex: index });
}

/**
 * Executes `txs` on top of the committed state of `store` (nothing is written; commit with
 * `store.commit` or `LedgerChain`).
 *
 * @throws {LedgerError} in `validate` mode, the first transaction's failure, with `txIndex` in its context.
 * @example
 * const exec = await applyBlock(store, { chainId, height: store.height + 1, timestamp, proposer }, txs, deps);
 * exec.stateRoot; // what the block's header must carry
 */
export async function applyBlock(
  store: StateStore,
  env: BlockEnv,
  txs: readonly (Uint8Array | ParsedTx)[],
  deps: VerificationDeps,
  mode: ExecutionMode = 'validate',
): Promise<BlockExecution> {
  const identity = new IdentityView(store);
  const checks = await checkTxs(txs, env.chainId, store, identity, deps);
  const excluded: TxFailure[] = [];
  const checked: { index: number; tx: CheckedTx }[] = [];
  checks.forEach((c, index) => {
    if (c.ok) checked.push({ index, tx: c.checked });
    else if (mode === 'validate') throw annotate(c.error, index);
    else excluded.push({ index, ...(c.id === undefined ? {} : { id: c.id }), error: c.error });
  });

  const state = store.overlay();
  const included: Uint8Array[] = [];
  const ids: Uint8Array[] = [];
  for (const { index, tx: c } of checked) {
    const savepoint = state.savepoint();
    try {
      await applyEnvelope(state, c, env);
      const ctx: ApplyContext = {
        state,
        identity,
        env,
        tx: c.tx,
        txIndex: included.length,
        sender: c.sender,
        approvals: c.approvals,
      };
      await c.contract.apply(ctx, c.payload);
      included.push(c.tx.bytes);
      ids.push(c.tx.id);
    } catch (err) {
      state.rollback(savepoint);
      if (!(err instanceof LedgerError)) throw err;
      if (mode === 'validate') throw annotate(err, index);
      excluded.push({ index, id: c.tx.id, error: err });
    }
  }
  const prepared = await store.prepare(state);
  return { env, txs: included, txIds: ids, excluded, prepared, stateRoot: prepared.stateRoot };
}
