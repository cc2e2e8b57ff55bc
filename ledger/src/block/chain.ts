/**
 * The application side of a ledger node: builds the block this node proposes, validates blocks proposed
 * by others (what consensus asks before prevoting), and commits decided blocks. Consensus and networking
 * sit outside: the node passes a decided block's hash (and certificate) to {@link LedgerChain.commit}.
 *
 * Header rules checked on a proposed block: chain id; height = head + 1; prevHash = head's hash;
 * timestamp > head's timestamp; proposer an active validator organisation; txCount and txRoot match the
 * transactions; and, after executing it, stateRoot = the computed root. How far a timestamp may be from
 * the local clock is a consensus-time rule left to the node (it is not a function of the chain).
 *
 * All executions and commits run one at a time (the store has a single writer).
 */
import { sm3 } from '@privgate/accel';
import { applyGenesis, encodeGenesis, type GenesisDocument } from '../contracts/genesis.ts';
import { IdentityView } from '../contracts/identity-view.ts';
import type { BlockEnv } from '../contracts/interface.ts';
import type { ParsedTx } from '../contracts/registry.ts';
import type { VerificationDeps } from '../contracts/verification.ts';
import type { StateStore } from '../state/store.ts';
import { bytesEqual, toHex } from '../tx/bytes.ts';
import { LedgerError } from '../tx/errors.ts';
import { isIdentifier } from '../tx/readers.ts';
import { BLOCK_VERSION, type Block, decodeBlock, encodeBlock, GENESIS_PROPOSER, txRootOf } from './codec.ts';
import { applyBlock, type BlockExecution, type TxFailure } from './execute.ts';

/** Options of a chain. */
export interface LedgerChainInit {
  readonly chainId: string;
}

/** Collaborators of a chain. */
export interface LedgerChainComponents extends VerificationDeps {
  readonly store: StateStore;
}

/** A block with the execution that produced (or validated) it, ready to commit. */
export interface ExecutedBlock {
  readonly block: Block;
  readonly execution: BlockExecution;
}

/** What {@link LedgerChain.propose} returns. */
export interface ProposedBlock extends ExecutedBlock {
  /** Candidate transactions that were left out, with the reason. */
  readonly excluded: readonly TxFailure[];
}

/** Propose, validate and commit blocks on one store. */
export class LedgerChain {
  readonly chainId: string;
  private readonly store: StateStore;
  private readonly deps: VerificationDeps;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(init: LedgerChainInit, components: LedgerChainComponents) {
    if (!init.chainId) throw new TypeError('chainId: expected a non-empty string');
    this.chainId = init.chainId;
    this.store = components.store;
    const { accel, proofVerifier, preverified } = components;
    this.deps = { accel, proofVerifier, ...(preverified === undefined ? {} : { preverified }) };
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Commits the genesis block (height 0) of an empty store from `doc`.
   * @throws {LedgerError} `GENESIS_INVALID` for a bad document or a store that already has a chain.
   */
  initGenesis(doc: GenesisDocument): Promise<Block> {
    return this.exclusive(async () => {
      if (this.store.height !== -1)
        throw new LedgerError('GENESIS_INVALID', 'the store already holds a chain');
      if (doc.chainId !== this.chainId)
        throw new LedgerError('GENESIS_INVALID', `genesis is for chain ${doc.chainId}`);
      const genesis = encodeGenesis(doc);
      const state = this.store.overlay();
      applyGenesis(state, doc);
      const prepared = await this.store.prepare(state);
      const block = encodeBlock(
        {
          version: BLOCK_VERSION,
          chainId: this.chainId,
          height: 0,
          prevHash: sm3(genesis),
          timestamp: doc.timestamp,
          proposer: GENESIS_PROPOSER,
          txRoot: txRootOf([]),
          stateRoot: prepared.stateRoot,
          txCount: 0,
        },
        [],
      );
      await this.store.commit(block, [], prepared, { genesis });
      return block;
    });
  }

  private env(proposer: string, timestamp: number): BlockEnv {
    const head = this.store.head;
    if (head === undefined) throw new LedgerError('STATE_UNAVAILABLE', 'no genesis block yet');
    return { chainId: this.chainId, height: head.height + 1, timestamp, proposer };
  }

  /**
   * Builds the next block from candidate transactions (in the order given, e.g. `mempool.reap`), leaving
   * out any that fail. The block's header carries the state root after it.
   * @throws {LedgerError} `BLOCK_INVALID` if the timestamp does not follow the head's.
   */
  propose(args: {
    proposer: string;
    timestamp: number;
    txs: readonly (Uint8Array | ParsedTx)[];
  }): Promise<ProposedBlock> {
    return this.exclusive(async () => {
      const env = this.env(args.proposer, args.timestamp);
      const head = this.store.head!;
      if (!(args.timestamp > head.timestamp))
        throw new LedgerError('BLOCK_INVALID', 'timestamp must follow the head');
      const execution = await applyBlock(this.store, env, args.txs, this.deps, 'propose');
      const block = encodeBlock(
        {
          version: BLOCK_VERSION,
          chainId: this.chainId,
          height: env.height,
          prevHash: head.blockHash,
          timestamp: env.timestamp,
          proposer: env.proposer,
          txRoot: txRootOf(execution.txIds),
          stateRoot: execution.stateRoot,
          txCount: execution.txs.length,
        },
        execution.txs,
      );
      return { block, execution, excluded: execution.excluded };
    });
  }

  /**
   * Validates a block proposed for the next height by executing it (nothing is written).
   * @throws {LedgerError} `BLOCK_MALFORMED`, `BLOCK_INVALID`, `STATE_ROOT_MISMATCH`, or the first failing
   *   transaction's code (with `txIndex` in its context).
   */
  validate(input: Block | Uint8Array): Promise<ExecutedBlock> {
    return this.exclusive(async () => {
      const block = input instanceof Uint8Array ? decodeBlock(input) : input;
      const h = block.header;
      const head = this.store.head;
      if (head === undefined) throw new LedgerError('STATE_UNAVAILABLE', 'no genesis block yet');
      const bad = (message: string): never => {
        throw new LedgerError('BLOCK_INVALID', `block ${h.height}: ${message}`, { height: h.height });
      };
      if (h.chainId !== this.chainId) bad(`chain ${h.chainId}`);
      if (h.height !== head.height + 1) bad(`expected height ${head.height + 1}`);
      if (!bytesEqual(h.prevHash, head.blockHash)) bad('does not extend the head');
      if (!(h.timestamp > head.timestamp)) bad('timestamp does not follow the head');
      if (
        !isIdentifier(h.proposer) ||
        !(await new IdentityView(this.store).hasRole(h.proposer, 'validator'))
      ) {
        bad(`proposer ${h.proposer} is not a validator`);
      }
      if (h.txCount !== block.txs.length) bad('txCount differs from the transactions');
      const ids = block.txs.map((t) => sm3(t));
      if (!bytesEqual(txRootOf(ids), h.txRoot)) bad('txRoot differs from the transactions');
      const execution = await applyBlock(
        this.store,
        this.env(h.proposer, h.timestamp),
        block.txs,
        this.deps,
        'validate',
      );
      if (!bytesEqual(execution.stateRoot, h.stateRoot)) {
        throw new LedgerError('STATE_ROOT_MISMATCH', `block ${h.height}: state root differs`, {
          header: toHex(h.stateRoot),
          computed: toHex(execution.stateRoot),
        });
      }
      return { block, execution };
    });
  }

  /**
   * Commits a proposed or validated block atomically (with its commit certificate, if given).
   * @throws {LedgerError} `STATE_STALE_EXECUTION` if another block was committed since it was executed.
   */
  commit(executed: ExecutedBlock, extras: { certificate?: Uint8Array } = {}): Promise<void> {
    return this.exclusive(() =>
      this.store.commit(executed.block, executed.execution.txIds, executed.execution.prepared, extras),
    );
  }
}
