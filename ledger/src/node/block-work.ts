/**
 * The blocks of the height a validator is deciding: the one it proposes (built from its mempool before
 * the core asks for it, since `getValue` is synchronous), an empty block as the last-resort value, and
 * the execution of every block consensus asks it to validate (fetched from the proposal or from peers,
 * checked against its hash, its timestamp against the local clock, then `chain.validate`). Executions
 * are kept by hash until the height is decided, when the decided one is committed.
 *
 * Building and validating are the consensus critical path: while one runs, transaction admission waits
 * (`idle`), so the SM2 verification of new transactions does not slow the round down.
 */
import type { ExecutedBlock, LedgerChain, ProposedBlock } from '../block/chain.ts';
import { type Block, decodeBlock } from '../block/codec.ts';
import type { BlockHash } from '../consensus/interface.ts';
import type { Mempool } from '../mempool/mempool.ts';
import type { StateStore } from '../state/store.ts';
import { bytesEqual, toHex } from '../tx/bytes.ts';
import { LedgerError } from '../tx/errors.ts';
import type { BlockCache } from './block-cache.ts';
import { LedgerNodeError } from './errors.ts';
import type { LedgerGenesis } from './genesis.ts';
import type { NodeLogger } from './logger.ts';
import type { WalStore } from './wal-store.ts';

/** Collaborators of the block work. */
export interface BlockWorkDeps {
  readonly id: string;
  readonly genesis: LedgerGenesis;
  readonly chain: LedgerChain;
  readonly store: StateStore;
  readonly mempool: Mempool;
  readonly wal: WalStore;
  readonly blocks: BlockCache;
  readonly now: () => number;
  readonly log: NodeLogger;
  /** Asks peers for a block (the proposal's sender first). */
  requestBlock(hash: BlockHash, attempt: number): void;
}

/** Room kept in a block for its header and the CBOR framing of each transaction. */
const blockOverhead = (txs: number): number => 2048 + 5 * txs;

/** Proposal building and block validation for the current height. */
export class BlockWork {
  private executed = new Map<string, ExecutedBlock>();
  private validating = new Set<string>();
  private proposed: { height: number; block: ProposedBlock } | undefined;
  private fallback: { height: number; block: ProposedBlock } | undefined;
  private critical = 0;
  private idleWaiters: (() => void)[] = [];
  /** Blocks found invalid so far. */
  invalidBlocks = 0;

  constructor(private readonly deps: BlockWorkDeps) {}

  /** Forgets the previous height's executions and builds the empty fallback block of `height`. */
  async startHeight(height: number): Promise<void> {
    this.executed = new Map();
    this.validating = new Set();
    if (this.proposed !== undefined && this.proposed.height !== height) this.proposed = undefined;
    const empty = await this.deps.chain.propose({
      proposer: this.deps.id,
      timestamp: this.blockTime(),
      txs: [],
    });
    this.fallback = { height, block: empty };
    this.executed.set(toHex(empty.block.hash), empty);
  }

  /** Whether this node's proposal for `height` is built. */
  hasProposal(height: number): boolean {
    return this.proposed?.height === height;
  }

  /** Builds this node's proposal for `height` from the mempool (once per height). */
  async prepareProposal(height: number): Promise<void> {
    if (this.proposed?.height === height) return;
    const { maxTxs, maxBytes } = this.deps.genesis.block;
    const t0 = this.deps.now();
    const proposed = await this.criticalSection(async () => {
      const txs = await this.deps.mempool.reapParsed(maxBytes - blockOverhead(maxTxs), maxTxs);
      return this.deps.chain.propose({ proposer: this.deps.id, timestamp: this.blockTime(), txs });
    });
    const { block } = proposed;
    this.proposed = { height, block: proposed };
    this.executed.set(toHex(block.hash), proposed);
    this.deps.blocks.put(block.hash, height, block.bytes);
    // Durable with the WAL fsync that precedes the proposal's broadcast.
    await this.deps.wal.saveBlock(height, block.hash, block.bytes);
    this.deps.log.debug('proposal built', {
      height,
      txs: block.txs.length,
      excluded: proposed.excluded.length,
      ms: this.deps.now() - t0,
    });
  }

  /**
   * The core's getValue for `height` while `current` is decided: the prepared proposal, else the empty
   * fallback. The core enters the next height in the step that decides; that tail is dropped with the
   * core, so any 32 bytes do for another height.
   * @throws {LedgerNodeError} `INTERNAL` if nothing was prepared (a driver bug).
   */
  valueFor(height: number, current: number): BlockHash {
    if (height !== current) return new Uint8Array(32);
    if (this.proposed?.height === height) return this.proposed.block.block.hash;
    if (this.fallback?.height === height) {
      const { block } = this.fallback.block;
      this.deps.blocks.put(block.hash, height, block.bytes);
      void this.deps.wal.saveBlock(height, block.hash, block.bytes).catch(() => {});
      return block.hash;
    }
    throw new LedgerNodeError('INTERNAL', `no block prepared for height ${height}`);
  }

  /** The execution of a block of this height, if done. */
  executedBlock(hash: BlockHash): ExecutedBlock | undefined {
    return this.executed.get(toHex(hash));
  }

  /** What this node's own block for `height` left out, if `hash` is its block. */
  excludedBy(height: number, hash: BlockHash): ProposedBlock['excluded'] | undefined {
    for (const own of [this.proposed, this.fallback]) {
      if (own?.height === height && bytesEqual(own.block.block.hash, hash)) return own.block.excluded;
    }
    return undefined;
  }

  /**
   * Validates block `hash` of `height` once (a second request while one runs is ignored: undefined).
   * Keeps fetching a missing block while `current()` holds; resolves with its validity, or undefined if
   * the height was left first.
   */
  validate(
    height: number,
    hash: BlockHash,
    current: () => boolean,
  ): Promise<boolean | undefined> | undefined {
    const key = toHex(hash);
    if (this.validating.has(key)) return undefined;
    this.validating.add(key);
    return this.check(height, hash, current);
  }

  private async check(height: number, hash: BlockHash, current: () => boolean): Promise<boolean | undefined> {
    const key = toHex(hash);
    const { blocks, log } = this.deps;
    for (let attempt = 0; ; attempt++) {
      if (!current()) return undefined;
      if (this.executed.has(key)) return true;
      let bytes = blocks.get(hash);
      if (bytes === undefined) {
        this.deps.requestBlock(hash, attempt);
        bytes = await blocks.wait(hash, 1500);
      }
      if (!current()) return undefined;
      if (bytes === undefined) continue;
      let block: Block;
      try {
        block = decodeBlock(bytes);
        if (!bytesEqual(block.hash, hash)) throw new Error('hash differs');
      } catch {
        blocks.delete(hash); // not this block: whoever sent it gets asked again, then others
        continue;
      }
      const drift = block.header.timestamp - this.deps.now();
      if (drift > this.deps.genesis.block.maxClockDriftMs) {
        log.warn('block from the future', { height, hash, driftMs: drift });
        return false;
      }
      try {
        const t0 = this.deps.now();
        const executed = await this.criticalSection(() => this.deps.chain.validate(block));
        if (!current()) return undefined;
        this.executed.set(key, executed);
        log.debug('block validated', { height, txs: block.txs.length, ms: this.deps.now() - t0 });
        return true;
      } catch (err) {
        if (!current()) return undefined;
        if (!(err instanceof LedgerError)) throw err;
        this.invalidBlocks++;
        log.warn('invalid block', { height, hash, code: err.code, reason: err.message });
        return false;
      }
    }
  }

  /** Resolves when no block is being built or validated (bounded: admission must not starve). */
  idle(): Promise<void> {
    if (this.critical === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, 2000);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Releases everyone waiting in `idle` (the node stops). */
  release(): void {
    for (const w of this.idleWaiters.splice(0)) w();
  }

  private blockTime(): number {
    return Math.max(this.deps.now(), (this.deps.store.head?.timestamp ?? 0) + 1);
  }

  private async criticalSection<T>(work: () => Promise<T>): Promise<T> {
    this.critical++;
    try {
      return await work();
    } finally {
      if (--this.critical === 0) this.release();
    }
  }
}
