/**
 * A ledger validator: the Tendermint core (`consensus/`) driven with real timers, the SM2 consensus
 * crypto, a durable WAL, the chain (`block/`), the mempool and the validators' network.
 *
 * The driver loop, one job at a time (`SerialLane`):
 *   - a height starts with `start(h)` on a fresh core, h = max(WAL height, last committed + 1); the round-0
 *     proposer first waits (bounded by `emptyBlockIntervalMs`) for transactions, then builds its block
 *     (`chain.propose` over `mempool.reapParsed`) BEFORE stepping the core, because the core's `getValue`
 *     is synchronous. A node that may lead a later round (a precommit timeout, messages of a higher round)
 *     builds its block before feeding that input; an empty block built at every height start is the last
 *     resort, so `getValue` always has an answer;
 *   - outputs run in order: `persist` is awaited (LevelDB put with sync) before any later broadcast of the
 *     step, `broadcast` goes to every peer (a proposal with its block), `schedule-timeout` arms a timer,
 *     `request-validation` fetches the block (from the proposal, or by asking peers) and runs
 *     `chain.validate` outside the lane, answering `block-validity`, `evidence` is logged and kept;
 *   - `decide` commits the block with its certificate (`chain.commit`), updates the mempool (and evicts
 *     what its own proposal left out), and starts the next height. Outputs of the same step after `decide`
 *     belong to the core's next height and are dropped with the core: nothing of them was persisted or
 *     sent, so they can be re-done by the fresh core.
 *
 * Gossip: every consensus message the core accepted is forwarded to the other validators, deduplicated
 * by its SM3 hash, so both votes of an equivocator spread. Messages of the next height are buffered until
 * it starts. Every second each node sends its status (committed height, consensus height and round,
 * messages held); a peer at the same height that holds less is sent what this node holds, and a node
 * that sees a peer with its current height committed asks it for blocks with their certificates (block
 * sync, `block-sync.ts`).
 *
 * Transactions submitted to any validator are admitted by its mempool (`TxIntake`, SM2 batch-verified)
 * and gossiped to the other validators' mempools.
 */
import type { Accelerator } from '@privgate/accel';
import type { ExecutedBlock } from '../block/chain.ts';
import { LedgerChain } from '../block/chain.ts';
import { decodeBlock } from '../block/codec.ts';
import type { TxFailure } from '../block/execute.ts';
import { encodeCertificate, encodeMessage } from '../codec/consensus-codec.ts';
import { ConsensusErrorCode } from '../consensus/errors.ts';
import type {
  BlockHash,
  CommitCertificate,
  ConsensusCrypto,
  ConsensusInput,
  ConsensusOutput,
  Evidence,
  SignedMessage,
} from '../consensus/interface.ts';
import { proposerOf } from '../consensus/proposer.ts';
import { Tendermint } from '../consensus/tendermint.ts';
import type { ValidatorSet } from '../consensus/validator-set.ts';
import { encodeGenesis } from '../contracts/genesis.ts';
import { type Admission, Mempool } from '../mempool/mempool.ts';
import type { StateStore } from '../state/store.ts';
import { bytesEqual, toHex } from '../tx/bytes.ts';
import { BlockCache } from './block-cache.ts';
import { checkSyncEntry, type SyncEntry } from './block-sync.ts';
import { BlockWork } from './block-work.ts';
import { createSm2ConsensusCrypto } from './consensus-crypto.ts';
import { type DroppedTx, DroppedTxs, evictionDetail } from './dropped-txs.ts';
import { LedgerNodeError } from './errors.ts';
import { genesisDocumentOf, type LedgerGenesis, validatorSetOf } from './genesis.ts';
import { Groth16ProofVerifier } from './groth16-verifier.ts';
import { HeightMessages, messageKey, type ReceivedMessage } from './height-messages.ts';
import type { CommittedBlock, LedgerNodeComponents, LedgerNodeInit, NodeStatus } from './interface.ts';
import { type NodeLogger, silentLogger } from './logger.ts';
import { PeerExchange } from './peer-exchange.ts';
import { SerialLane } from './serial-lane.ts';
import type { NodeTransport } from './transport.ts';
import { TxIntake } from './tx-intake.ts';
import type { RestoredWal, WalStore } from './wal-store.ts';

/** Rejections that may turn into acceptance later: such messages are not remembered as seen. */
const TRANSIENT = new Set<string>([
  ConsensusErrorCode.WRONG_HEIGHT,
  ConsensusErrorCode.ROUND_TOO_FAR,
  ConsensusErrorCode.NOT_STARTED,
  ConsensusErrorCode.EQUIVOCATION,
]);

/**
 * Creates and starts a validator: commits genesis into an empty store (or checks the store holds this
 * genesis), restores the WAL, and starts consensus at max(WAL height, last committed + 1).
 * @throws {LedgerNodeError} `NODE_NOT_VALIDATOR` if `validatorId` is not in genesis, `GENESIS_INVALID` if the
 *   store holds another chain.
 * @example
 * const node = await createLedgerNode({ genesis, validatorId: keys.id, privateKey: keys.sm2PrivateKey },
 *   { store, wal, network, accel });
 */
export async function createLedgerNode(
  init: LedgerNodeInit,
  components: LedgerNodeComponents,
): Promise<LedgerNode> {
  const node = new LedgerNode(init, components);
  await node.start();
  return node;
}

/** A running validator. Create it with {@link createLedgerNode}. */
export class LedgerNode {
  readonly id: string;
  readonly chainId: string;
  readonly genesis: LedgerGenesis;
  readonly validators: ValidatorSet;
  readonly store: StateStore;
  readonly mempool: Mempool;
  readonly chain: LedgerChain;
  readonly crypto: ConsensusCrypto;
  private readonly wal: WalStore;
  private readonly net: NodeTransport;
  private readonly log: NodeLogger;
  private readonly now: () => number;
  private readonly lane: SerialLane;
  private readonly intake: TxIntake;
  private readonly peers: PeerExchange;
  private readonly messages = new HeightMessages();
  private readonly listeners = new Set<(c: CommittedBlock) => void>();
  /** Transactions dropped from the mempool, and why (reported by `GET /v1/tx/:id`). */
  private readonly dropped = new DroppedTxs();
  private readonly fatalListeners = new Set<(err: unknown) => void>();
  private core: Tendermint | undefined;
  /** Bumped whenever the core is replaced or dropped: jobs and timers of an older core are ignored. */
  private epoch = 0;
  /** The height being decided (or about to start). */
  private height = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  // State of the current height (its gossip state is in `messages`).
  private readonly blocks = new BlockCache(16);
  private readonly work: BlockWork;
  private restored: RestoredWal | undefined;
  private txWaiters: (() => void)[] = [];
  private readonly evidence: Evidence[] = [];
  private stopped = false;
  private readonly counters: Record<string, number> = {
    blocksCommitted: 0,
    blocksSynced: 0,
    txsCommitted: 0,
    roundsAboveZero: 0,
    signaturesVerified: 0,
  };

  /** Use {@link createLedgerNode}. */
  constructor(init: LedgerNodeInit, components: LedgerNodeComponents) {
    const { genesis } = init;
    this.genesis = genesis;
    this.id = init.validatorId;
    this.chainId = genesis.chainId;
    this.validators = validatorSetOf(genesis);
    if (!this.validators.has(this.id)) {
      throw new LedgerNodeError('NODE_NOT_VALIDATOR', `${this.id} is not a validator of ${genesis.chainId}`, {
        id: this.id,
      });
    }
    this.store = components.store;
    this.wal = components.wal;
    this.net = components.network;
    this.log = (components.logger ?? silentLogger).child({ node: this.id });
    this.now = init.now ?? Date.now;
    this.crypto = createSm2ConsensusCrypto(this.validators, init.privateKey);
    // Counts signatures verified, so double work (admission and block validation) shows in the status.
    const inner = components.accel;
    const proofVerifier =
      components.proofVerifier ??
      new Groth16ProofVerifier(
        this.store,
        inner.groth16VerifyBatch ? (inner as Pick<Accelerator, 'groth16VerifyBatch'>) : undefined,
      );
    const accel: Pick<Accelerator, 'sm2VerifyBatch'> = {
      sm2VerifyBatch: (items) => {
        this.counters.signaturesVerified! += items.length;
        return inner.sm2VerifyBatch(items);
      },
    };
    this.mempool = new Mempool(
      { chainId: this.chainId, now: this.now, ...init.mempool },
      { store: this.store, accel, proofVerifier },
    );
    this.chain = new LedgerChain(
      { chainId: this.chainId },
      { store: this.store, accel, proofVerifier, preverified: this.mempool },
    );
    this.peers = new PeerExchange(
      {
        self: this.id,
        validators: genesis.validators,
        statusIntervalMs: init.statusIntervalMs ?? 1000,
        now: this.now,
        log: this.log,
        ...(init.peerBudget === undefined ? {} : { peerBudget: init.peerBudget }),
      },
      this.net,
      { messages: this.messages, blocks: this.blocks, store: this.store },
      {
        position: () => ({
          height: this.height,
          committed: this.store.height,
          round: this.core?.state.round ?? 0,
          running: this.core !== undefined,
        }),
        onConsensus: (m) => {
          if (!this.lane.push(() => this.deliver(m), true)) this.counters.messagesDropped!++;
        },
        onCertificate: (_from, certificate) =>
          this.lane.push(() => this.certificateArrived(certificate), true),
        onTxs: (txs) => this.intake.fromPeer(txs),
        applySync: (from, entries) => this.applySync(from, entries),
      },
    );
    this.lane = new SerialLane(init.maxQueuedMessages ?? 20_000, (err) => this.fail(err));
    this.work = new BlockWork({
      id: this.id,
      genesis,
      chain: this.chain,
      store: this.store,
      mempool: this.mempool,
      wal: this.wal,
      blocks: this.blocks,
      now: this.now,
      log: this.log,
      requestBlock: (hash, attempt) => this.peers.requestBlock(hash, attempt),
    });
    this.intake = new TxIntake({ gate: () => this.work.idle(), ...init.intake }, this.mempool, {
      onAdmitted: (local, count) => {
        if (local.length > 0) this.peers.gossipTxs(local);
        if (count > 0) this.wakeTxWaiters();
      },
      onError: (err) => this.log.error('admission failed', { err }),
    });
  }

  /** @internal Called by {@link createLedgerNode}. */
  async start(): Promise<void> {
    const doc = genesisDocumentOf(this.genesis);
    if (this.store.height === -1) {
      await this.chain.initGenesis(doc);
      this.log.info('genesis committed', { chainId: this.chainId });
    } else {
      const stored = await this.store.genesisDocument();
      if (stored === undefined || !bytesEqual(stored, encodeGenesis(doc))) {
        throw new LedgerNodeError(
          'GENESIS_INVALID',
          'the data directory holds another chain than this genesis',
        );
      }
    }
    this.restored = await this.wal.load();
    for (const bytes of this.restored.blocks) {
      const block = decodeBlock(bytes);
      this.blocks.put(block.hash, block.header.height, bytes);
    }
    this.peers.start();
    const height = Math.max(this.restored.wal?.height ?? 0, this.store.height + 1);
    this.log.info('node starting', {
      height,
      committed: this.store.height,
      walHeight: this.restored.wal?.height ?? null,
      validators: this.validators.n,
    });
    this.lane.push(() => this.startHeight(height));
  }

  // --- public API ---------------------------------------------------------------------------------

  /** Admits transactions (as a client submits them); one outcome per input, in order. */
  submit(txs: readonly Uint8Array[]): Promise<Admission[]> {
    return this.intake.submit(txs);
  }

  /** Calls `listener` for every committed block; returns the unsubscribe function. */
  onCommit(listener: (c: CommittedBlock) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Why this node dropped a transaction it had admitted, if it did (see `dropped-txs.ts`: a refusal by
   * another proposer shows here only once this node builds a block itself).
   */
  droppedTx(id: Uint8Array): DroppedTx | undefined {
    return this.dropped.get(toHex(id));
  }

  /** Calls `listener` if the node halts on an unrecoverable error (disk failure, divergence). */
  onFatal(listener: (err: unknown) => void): () => void {
    this.fatalListeners.add(listener);
    return () => this.fatalListeners.delete(listener);
  }

  /** Equivocation evidence this node has seen. */
  evidenceSeen(): readonly Evidence[] {
    return this.evidence;
  }

  /** Resolves once `height` is committed (or rejects after `timeoutMs`). */
  waitForHeight(height: number, timeoutMs = 30_000): Promise<void> {
    if (this.store.height >= height) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`height ${height} not committed within ${timeoutMs} ms (at ${this.store.height})`));
      }, timeoutMs);
      const off = this.onCommit(() => {
        if (this.store.height >= height) {
          clearTimeout(timer);
          off();
          resolve();
        }
      });
    });
  }

  /** The node's state, for the status endpoint. */
  status(): NodeStatus {
    const head = this.store.head;
    const state = this.core?.state;
    return {
      nodeId: this.id,
      chainId: this.chainId,
      peerId: this.net.peerId,
      height: this.store.height,
      lastBlockHash: head === undefined ? '' : toHex(head.blockHash),
      stateRoot: head === undefined ? '' : toHex(head.stateRoot),
      lastBlockTime: head?.timestamp ?? 0,
      consensus: { height: this.height, round: state?.round ?? 0, step: state?.step ?? 'starting' },
      syncing: this.peers.syncing,
      mempool: { size: this.mempool.size, bytes: this.mempool.bytes, admitting: this.intake.size },
      peers: this.peers.peers(),
      evidence: this.evidence.length,
      counters: {
        ...this.counters,
        ...this.peers.counters,
        invalidBlocks: this.work.invalidBlocks,
        futureDropped: this.messages.dropped,
        txsOverflow: this.intake.overflow,
        laneQueued: this.lane.size,
      },
    };
  }

  /** Stops consensus, timers and admission (the caller closes the store, WAL and network it passed in). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.intake.stop();
    this.peers.stop();
    this.clearTimers();
    this.wakeTxWaiters();
    this.work.release();
    await this.lane.close();
    this.core = undefined;
    this.epoch++;
    this.listeners.clear();
  }

  // --- heights ------------------------------------------------------------------------------------

  /** Moves to `height` with a fresh core (in the lane). */
  private async startHeight(height: number): Promise<void> {
    if (this.stopped) return;
    this.dropCore();
    this.height = height;
    this.messages.reset(height);
    this.blocks.pruneBelow(height);
    void this.wal.pruneBlocks(height).catch((err) => this.log.warn('WAL prune failed', { err }));
    const wal = this.restored?.wal?.height === height ? this.restored.wal : undefined;
    this.restored = undefined;
    await this.work.startHeight(height);
    const leads = proposerOf(this.validators, height, wal?.round ?? 0) === this.id;
    if (
      leads &&
      wal === undefined &&
      this.mempool.size === 0 &&
      this.genesis.block.emptyBlockIntervalMs > 0
    ) {
      // Propose at once when there is something to propose, else after emptyBlockIntervalMs.
      const epoch = this.epoch;
      void this.waitForTxs(this.genesis.block.emptyBlockIntervalMs).then(() =>
        this.lane.push(async () => {
          if (epoch === this.epoch && this.core === undefined && !this.stopped)
            await this.launch(height, wal);
        }),
      );
      return;
    }
    await this.launch(height, wal);
  }

  private async launch(height: number, wal: RestoredWal['wal']): Promise<void> {
    const round = wal?.round ?? 0;
    const signed = wal?.ownProposals.some((p) => p.round === round) ?? false;
    if (proposerOf(this.validators, height, round) === this.id && !signed && wal?.validValue == null) {
      await this.work.prepareProposal(height);
    }
    const core = new Tendermint(
      {
        validatorId: this.id,
        validators: this.validators,
        timeouts: this.genesis.consensus.timeouts,
        maxRoundsAhead: this.genesis.consensus.maxRoundsAhead,
      },
      { crypto: this.crypto, app: { getValue: (h) => this.work.valueFor(h, this.height) } },
      wal,
    );
    this.core = core;
    const epoch = this.epoch;
    await this.execute(core.step({ type: 'start', height }).outputs, epoch);
    for (const m of this.messages.takeBuffered(height)) {
      if (epoch !== this.epoch) break;
      await this.deliver(m);
    }
    this.peers.broadcastStatus();
  }

  private dropCore(): void {
    this.core = undefined;
    this.epoch++;
    this.clearTimers();
  }

  private clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** Whether stepping `input` may start a round this node leads without a value yet. */
  private mayLead(input: ConsensusInput): boolean {
    const state = this.core?.state;
    if (state === undefined || state.validValue !== null || this.work.hasProposal(this.height)) return false;
    let target: number | undefined;
    if (input.type === 'timeout' && input.kind === 'precommit') target = input.round + 1;
    else if (input.type === 'proposal' && input.proposal.round > state.round) target = input.proposal.round;
    else if (input.type === 'vote' && input.vote.round > state.round) target = input.vote.round;
    else if (input.type === 'commit' && input.certificate.round > state.round)
      target = input.certificate.round;
    return target !== undefined && proposerOf(this.validators, this.height, target) === this.id;
  }

  // --- the core -----------------------------------------------------------------------------------

  /** Steps the core with one input and carries out its outputs (in the lane). */
  private async feed(input: ConsensusInput, received?: ReceivedMessage): Promise<void> {
    if (this.core === undefined) return;
    const epoch = this.epoch;
    if (this.mayLead(input)) {
      await this.work.prepareProposal(this.height);
      if (epoch !== this.epoch || this.core === undefined) return;
    }
    const { outputs, rejected } = this.core.step(input);
    if (received !== undefined) this.afterAdmission(received, rejected?.code);
    await this.execute(outputs, epoch);
  }

  private async execute(outputs: readonly ConsensusOutput[], epoch: number): Promise<void> {
    for (let i = 0; i < outputs.length; i++) {
      if (epoch !== this.epoch) return;
      const o = outputs[i]!;
      switch (o.type) {
        case 'persist':
          // A later persist of the same step holds everything this one does.
          if (outputs[i + 1]?.type !== 'persist') await this.wal.save(o.wal);
          break;
        case 'broadcast':
          this.broadcastConsensus(o.message);
          break;
        case 'schedule-timeout': {
          const { kind, height, round } = o;
          const timer = setTimeout(() => {
            this.timers.delete(timer);
            this.lane.push(async () => {
              if (epoch !== this.epoch) return;
              this.log.debug('timeout', { kind, height, round });
              if (kind === 'precommit') this.peers.resendHeld(); // a failed round may have lost messages
              await this.feed({ type: 'timeout', kind, height, round });
            });
          }, o.durationMs);
          this.timers.add(timer);
          break;
        }
        case 'request-validation':
          this.validateLater(o.height, o.blockHash, epoch);
          break;
        case 'evidence':
          this.evidence.push(o.evidence);
          if (this.evidence.length > 1000) this.evidence.shift();
          this.log.warn('equivocation', {
            kind: o.evidence.kind,
            validator: o.evidence.validator,
            height: this.height,
          });
          break;
        case 'decide':
          await this.onDecide(o.height, o.blockHash, o.certificate.round, encodeCertificate(o.certificate));
          return; // the rest belongs to the next height of a core that is gone
      }
    }
  }

  private async onDecide(
    height: number,
    hash: BlockHash,
    round: number,
    certificate: Uint8Array,
  ): Promise<void> {
    this.dropCore();
    if (this.store.height < height) {
      const executed = this.work.executedBlock(hash);
      if (executed === undefined)
        throw new LedgerNodeError('INTERNAL', `decided ${toHex(hash)} without its block`);
      const excluded = this.work.excludedBy(height, hash);
      if (round > 0) this.counters.roundsAboveZero!++;
      await this.commitBlock(executed, certificate, round, 'consensus', excluded);
    }
    await this.startHeight(this.store.height + 1);
  }

  private async commitBlock(
    executed: ExecutedBlock,
    certificate: Uint8Array,
    round: number,
    source: CommittedBlock['source'],
    excluded?: readonly TxFailure[],
  ): Promise<void> {
    const started = this.now();
    await this.chain.commit(executed, { certificate });
    const { block } = executed;
    const txIds = executed.execution.txIds;
    const height = block.header.height;
    for (const e of await this.mempool.update({ txs: block.txs, txIds })) {
      this.dropped.record(toHex(e.id), { code: e.code, detail: evictionDetail(e.code), height });
    }
    if (excluded !== undefined && excluded.length > 0) {
      const why = new Map(excluded.flatMap((f) => (f.id === undefined ? [] : [[toHex(f.id), f.error]])));
      for (const e of this.mempool.evict(excluded)) {
        const error = why.get(toHex(e.id));
        this.dropped.record(toHex(e.id), {
          code: e.code,
          detail: error?.message ?? evictionDetail(e.code),
          height,
          ...(error === undefined || Object.keys(error.context).length === 0
            ? {}
            : { context: error.context }),
        });
      }
    }
    this.counters.blocksCommitted!++;
    if (source === 'sync') this.counters.blocksSynced!++;
    this.counters.txsCommitted! += block.txs.length;
    this.log.info('block committed', {
      height: block.header.height,
      hash: block.hash,
      txs: block.txs.length,
      round,
      source,
      commitMs: this.now() - started,
      mempool: this.mempool.size,
    });
    const event: CommittedBlock = { block, txIds, round, source };
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        this.log.warn('commit listener failed', { err });
      }
    }
  }

  /** Fetches and validates a block for the core, then answers `block-validity` (outside the lane). */
  private validateLater(height: number, hash: BlockHash, epoch: number): void {
    this.work
      .validate(height, hash, () => epoch === this.epoch && !this.stopped)
      ?.then(
        (valid) => {
          if (valid === undefined) return;
          this.lane.push(async () => {
            if (epoch === this.epoch) await this.feed({ type: 'block-validity', blockHash: hash, valid });
          });
        },
        (err) => this.fail(err),
      );
  }

  // --- messages from peers ----------------------------------------------------------------------

  /** Feeds a received message to the core if it is for the height being decided (in the lane). */
  private async deliver(m: ReceivedMessage): Promise<void> {
    if (m.height < this.height || this.messages.seenBefore(m.key)) return;
    if (m.height > this.height || this.core === undefined) {
      this.messages.buffer(m);
      return;
    }
    const input: ConsensusInput =
      m.decoded.kind === 'proposal'
        ? { type: 'proposal', proposal: m.decoded.proposal }
        : { type: 'vote', vote: m.decoded.vote };
    await this.feed(input, m);
  }

  private afterAdmission(m: ReceivedMessage, rejected: string | undefined): void {
    if (rejected === undefined) {
      this.messages.hold(m.key, m.message);
      if (m.decoded.kind === 'proposal') {
        const { blockHash, height } = m.decoded.proposal;
        this.messages.setSource(blockHash, m.from);
        if (m.block !== null && !this.blocks.has(blockHash)) this.blocks.put(blockHash, height, m.block);
      }
      this.peers.forward(m); // what the core accepted spreads (without the block: peers ask for it)
    } else if (rejected === ConsensusErrorCode.WRONG_HEIGHT) {
      if (m.height > this.height) this.messages.buffer(m);
    } else if (!TRANSIENT.has(rejected)) {
      this.messages.markSeen(m.key);
    }
  }

  private broadcastConsensus(message: SignedMessage): void {
    if (message.kind === 'vote') {
      const v = message.vote;
      this.log.debug('vote', { type: v.type, height: v.height, round: v.round, nil: v.blockHash === null });
    } else this.log.debug('propose', { height: message.proposal.height, round: message.proposal.round });
    const bytes = encodeMessage(message);
    this.messages.hold(messageKey(bytes), bytes);
    const block = message.kind === 'proposal' ? (this.blocks.get(message.proposal.blockHash) ?? null) : null;
    this.peers.broadcastConsensus(bytes, block);
  }

  /** A peer's certificate for the height being decided (catch-up through the core's decision rule). */
  private async certificateArrived(certificate: CommitCertificate): Promise<void> {
    if (this.core === undefined || this.height !== certificate.height) return;
    await this.feed({ type: 'commit', certificate });
  }

  // --- block sync ---------------------------------------------------------------------------------

  /** Validates and commits certified blocks from a peer, in order; returns how many were committed. */
  private async applySync(peer: string, entries: readonly SyncEntry[]): Promise<number> {
    let committed = 0;
    for (const entry of entries) {
      if (this.stopped) break;
      const checked = checkSyncEntry(this.validators, this.crypto, entry);
      if (!checked.ok) {
        this.log.warn('sync entry refused', { peer, reason: checked.reason });
        break;
      }
      const height = checked.block.header.height;
      if (height <= this.store.height) continue;
      if (height !== this.store.height + 1) break;
      let executed: ExecutedBlock;
      try {
        // The live round may already have executed this very block.
        executed = this.work.executedBlock(checked.block.hash) ?? (await this.chain.validate(checked.block));
      } catch (err) {
        if (this.store.height >= height) continue; // committed meanwhile by consensus
        // A block 2f + 1 validators certified that this node finds invalid: state has diverged.
        this.log.error('certified block does not validate', { height, err });
        break;
      }
      const done = await this.lane.run(async () => {
        if (this.store.height + 1 !== height) return false;
        if (this.height <= height) this.dropCore();
        await this.commitBlock(executed, checked.certificateBytes, checked.certificate.round, 'sync');
        return true;
      });
      if (done) committed++;
    }
    await this.lane.run(async () => {
      if (!this.stopped && this.height <= this.store.height) await this.startHeight(this.store.height + 1);
    });
    return committed;
  }

  // --- plumbing -----------------------------------------------------------------------------------

  private waitForTxs(ms: number): Promise<void> {
    if (this.mempool.size > 0 || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.txWaiters.push(done);
    });
  }

  private wakeTxWaiters(): void {
    const waiters = this.txWaiters;
    this.txWaiters = [];
    for (const w of waiters) w();
  }

  private fail(err: unknown): void {
    if (this.stopped) return;
    this.log.error('node halted', { err });
    for (const l of this.fatalListeners) l(err);
    void this.stop();
  }
}

/** Whether a committed transaction id set contains `id` (helper for clients waiting on blocks). */
export function blockContains(c: CommittedBlock, id: Uint8Array): boolean {
  return c.txIds.some((t) => bytesEqual(t, id));
}
