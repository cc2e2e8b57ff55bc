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
import { sm3 } from '@privgate/accel';
import type { ExecutedBlock, ProposedBlock } from '../block/chain.ts';
import { LedgerChain } from '../block/chain.ts';
import { type Block, decodeBlock } from '../block/codec.ts';
import type { TxFailure } from '../block/execute.ts';
import {
  decodeCertificate,
  decodeMessage,
  encodeCertificate,
  encodeMessage,
} from '../codec/consensus-codec.ts';
import { ConsensusErrorCode } from '../consensus/errors.ts';
import type {
  BlockHash,
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
import type { ProofVerifier } from '../contracts/interface.ts';
import { type Admission, Mempool, type MempoolInit } from '../mempool/mempool.ts';
import type { StateStore } from '../state/store.ts';
import { byteKey, bytesEqual, toHex } from '../tx/bytes.ts';
import { LedgerError } from '../tx/errors.ts';
import { BlockCache } from './block-cache.ts';
import { checkSyncEntry, readSyncEntries, type SyncEntry } from './block-sync.ts';
import { createSm2ConsensusCrypto } from './consensus-crypto.ts';
import { LedgerNodeError } from './errors.ts';
import { genesisDocumentOf, type LedgerGenesis, validatorSetOf } from './genesis.ts';
import { Groth16ProofVerifier } from './groth16-verifier.ts';
import { type NodeLogger, silentLogger } from './logger.ts';
import { DEFAULT_PEER_BUDGET, type PeerBudget, PeerLimiter } from './peer-limits.ts';
import { SerialLane } from './serial-lane.ts';
import type { NodeTransport } from './transport.ts';
import { TxIntake, type TxIntakeInit } from './tx-intake.ts';
import type { RestoredWal, WalStore } from './wal-store.ts';
import { decodeWire, encodeWire, MAX_GOSSIP_TXS, MAX_SYNC_BLOCKS, type WireMessage } from './wire.ts';

/** Options of a node. */
export interface LedgerNodeInit {
  readonly genesis: LedgerGenesis;
  /** This node's validator id (from genesis). */
  readonly validatorId: string;
  /** Its SM2 private key (signs consensus messages). */
  readonly privateKey: Uint8Array;
  readonly mempool?: Pick<MempoolInit, 'maxTxs' | 'maxBytes' | 'maxNonceAhead'>;
  readonly intake?: TxIntakeInit;
  readonly peerBudget?: PeerBudget;
  /** Status gossip period (default 1,000 ms). */
  readonly statusIntervalMs?: number;
  /** Most peer messages queued for the consensus lane (default 20,000). */
  readonly maxQueuedMessages?: number;
  /** Clock (default `Date.now`). */
  readonly now?: () => number;
}

/** Collaborators of a node. */
export interface LedgerNodeComponents {
  readonly store: StateStore;
  readonly wal: WalStore;
  readonly network: NodeTransport;
  readonly accel: Pick<Accelerator, 'sm2VerifyBatch'>;
  /** Groth16 verifier (default: snarkjs over the keys registered in the store). */
  readonly proofVerifier?: ProofVerifier;
  readonly logger?: NodeLogger;
}

/** A block this node committed. */
export interface CommittedBlock {
  readonly block: Block;
  readonly txIds: readonly Uint8Array[];
  /** The round it was decided in. */
  readonly round: number;
  /** `consensus`: decided here; `sync`: fetched with its certificate from a peer. */
  readonly source: 'consensus' | 'sync';
}

/** What `status()` reports. */
export interface NodeStatus {
  readonly nodeId: string;
  readonly chainId: string;
  readonly peerId: string;
  readonly height: number;
  readonly lastBlockHash: string;
  readonly stateRoot: string;
  readonly lastBlockTime: number;
  readonly consensus: { readonly height: number; readonly round: number; readonly step: string };
  readonly syncing: boolean;
  readonly mempool: { readonly size: number; readonly bytes: number; readonly admitting: number };
  readonly peers: readonly {
    readonly id: string;
    readonly peerId: string;
    readonly connected: boolean;
    readonly committed: number | null;
  }[];
  readonly evidence: number;
  readonly counters: Readonly<Record<string, number>>;
}

interface Received {
  readonly from: string;
  readonly key: string;
  readonly message: Uint8Array;
  readonly block: Uint8Array | null;
  readonly decoded: SignedMessage;
  readonly height: number;
}

interface PeerState {
  committed: number;
  height: number;
  round: number;
  held: number;
  lastResend: number;
}

/** Rejections that may turn into acceptance later: such messages are not remembered as seen. */
const TRANSIENT = new Set<string>([
  ConsensusErrorCode.WRONG_HEIGHT,
  ConsensusErrorCode.ROUND_TOO_FAR,
  ConsensusErrorCode.NOT_STARTED,
  ConsensusErrorCode.EQUIVOCATION,
]);
const MAX_FUTURE_MESSAGES = 4096;
const MAX_FUTURE_BLOCK_BYTES = 64 << 20;
const MAX_PEER_INFLIGHT_BYTES = 64 << 20;
/** Room kept in a block for its header and the CBOR framing of each transaction. */
const blockOverhead = (txs: number): number => 2048 + 5 * txs;

const messageHeight = (m: SignedMessage): number =>
  m.kind === 'proposal' ? m.proposal.height : m.vote.height;
const digestKey = (bytes: Uint8Array): string => byteKey(sm3(bytes));

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
  private readonly limiter: PeerLimiter;
  private readonly peerOf = new Map<string, string>();
  private readonly validatorOfPeer = new Map<string, string>();
  private readonly peerStates = new Map<string, PeerState>();
  private readonly inflight = new Map<string, number>();
  private readonly listeners = new Set<(c: CommittedBlock) => void>();
  private readonly fatalListeners = new Set<(err: unknown) => void>();
  private readonly statusIntervalMs: number;
  private core: Tendermint | undefined;
  /** Bumped whenever the core is replaced or dropped: jobs and timers of an older core are ignored. */
  private epoch = 0;
  /** The height being decided (or about to start). */
  private height = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private statusTimer: NodeJS.Timeout | undefined;
  // State of the current height.
  private seen = new Set<string>();
  private held = new Map<string, Uint8Array>();
  private readonly blocks = new BlockCache(16);
  private executed = new Map<string, ExecutedBlock>();
  private validating = new Set<string>();
  private proposalSource = new Map<string, string>();
  private proposed: { height: number; block: ProposedBlock } | undefined;
  private fallback: { height: number; block: ProposedBlock } | undefined;
  private future: Received[] = [];
  private futureBlockBytes = 0;
  private restored: RestoredWal | undefined;
  private sync: { peer: string; timer: NodeJS.Timeout } | undefined;
  private readonly certificateSent = new Map<string, number>();
  private txWaiters: (() => void)[] = [];
  /** Blocks being built or validated now (admission waits for none). */
  private critical = 0;
  private idleWaiters: (() => void)[] = [];
  private behindSince: number | undefined;
  private readonly evidence: Evidence[] = [];
  private stopped = false;
  private readonly counters: Record<string, number> = {
    blocksCommitted: 0,
    blocksSynced: 0,
    txsCommitted: 0,
    roundsAboveZero: 0,
    messagesDropped: 0,
    wireMalformed: 0,
    validationsFailed: 0,
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
    const proofVerifier = components.proofVerifier ?? new Groth16ProofVerifier(this.store);
    // Counts signatures verified, so double work (admission and block validation) shows in the status.
    const inner = components.accel;
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
    for (const v of genesis.validators) {
      if (v.id === this.id) continue;
      this.peerOf.set(v.id, v.peerId);
      this.validatorOfPeer.set(v.peerId, v.id);
    }
    this.statusIntervalMs = init.statusIntervalMs ?? 1000;
    this.limiter = new PeerLimiter(init.peerBudget ?? DEFAULT_PEER_BUDGET, this.now);
    this.lane = new SerialLane(init.maxQueuedMessages ?? 20_000, (err) => this.fail(err));
    this.intake = new TxIntake({ gate: () => this.consensusIdle(), ...init.intake }, this.mempool, {
      onAdmitted: (local, count) => {
        if (local.length > 0) this.gossipTxs(local);
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
    this.net.onMessage((from, payload) => this.receive(from, payload));
    const height = Math.max(this.restored.wal?.height ?? 0, this.store.height + 1);
    this.log.info('node starting', {
      height,
      committed: this.store.height,
      walHeight: this.restored.wal?.height ?? null,
      validators: this.validators.n,
    });
    this.lane.push(() => this.startHeight(height));
    this.statusTimer = setInterval(() => this.broadcastStatus(), this.statusIntervalMs);
    this.statusTimer.unref();
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
    const connected = new Set(this.net.connectedPeers());
    return {
      nodeId: this.id,
      chainId: this.chainId,
      peerId: this.net.peerId,
      height: this.store.height,
      lastBlockHash: head === undefined ? '' : toHex(head.blockHash),
      stateRoot: head === undefined ? '' : toHex(head.stateRoot),
      lastBlockTime: head?.timestamp ?? 0,
      consensus: { height: this.height, round: state?.round ?? 0, step: state?.step ?? 'starting' },
      syncing: this.sync !== undefined,
      mempool: { size: this.mempool.size, bytes: this.mempool.bytes, admitting: this.intake.size },
      peers: [...this.peerOf].map(([id, peerId]) => ({
        id,
        peerId,
        connected: connected.has(peerId),
        committed: this.peerStates.get(peerId)?.committed ?? null,
      })),
      evidence: this.evidence.length,
      counters: { ...this.counters, txsOverflow: this.intake.overflow, laneQueued: this.lane.size },
    };
  }

  /** Stops consensus, timers and admission (the caller closes the store, WAL and network it passed in). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.intake.stop();
    if (this.statusTimer) clearInterval(this.statusTimer);
    if (this.sync) clearTimeout(this.sync.timer);
    this.clearTimers();
    this.wakeTxWaiters();
    for (const w of this.idleWaiters.splice(0)) w();
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
    this.behindSince = undefined;
    this.seen = new Set();
    this.held = new Map();
    this.executed = new Map();
    this.validating = new Set();
    this.proposalSource = new Map();
    this.blocks.pruneBelow(height);
    if (this.proposed !== undefined && this.proposed.height !== height) this.proposed = undefined;
    void this.wal.pruneBlocks(height).catch((err) => this.log.warn('WAL prune failed', { err }));
    const wal = this.restored?.wal?.height === height ? this.restored.wal : undefined;
    this.restored = undefined;
    // The last-resort value of getValue: an empty block on the current head (cheap to execute).
    const empty = await this.chain.propose({ proposer: this.id, timestamp: this.blockTime(), txs: [] });
    this.fallback = { height, block: empty };
    this.executed.set(toHex(empty.block.hash), empty);
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
      await this.prepareProposal(height);
    }
    const core = new Tendermint(
      {
        validatorId: this.id,
        validators: this.validators,
        timeouts: this.genesis.consensus.timeouts,
        maxRoundsAhead: this.genesis.consensus.maxRoundsAhead,
      },
      { crypto: this.crypto, app: { getValue: (h) => this.valueFor(h) } },
      wal,
    );
    this.core = core;
    const epoch = this.epoch;
    await this.execute(core.step({ type: 'start', height }).outputs, epoch);
    const buffered = this.future;
    this.future = [];
    this.futureBlockBytes = 0;
    for (const m of buffered) {
      if (epoch !== this.epoch) break;
      if (m.height === height) await this.deliver(m);
      else if (m.height > height) this.buffer(m);
    }
    this.broadcastStatus();
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

  private blockTime(): number {
    return Math.max(this.now(), (this.store.head?.timestamp ?? 0) + 1);
  }

  /** Builds this node's proposal for `height` from the mempool (once per height). */
  private async prepareProposal(height: number): Promise<void> {
    if (this.proposed?.height === height) return;
    const { maxTxs, maxBytes } = this.genesis.block;
    const t0 = this.now();
    const proposed = await this.criticalSection(async () => {
      const txs = await this.mempool.reapParsed(maxBytes - blockOverhead(maxTxs), maxTxs);
      return this.chain.propose({ proposer: this.id, timestamp: this.blockTime(), txs });
    });
    const { block } = proposed;
    this.proposed = { height, block: proposed };
    this.executed.set(toHex(block.hash), proposed);
    this.blocks.put(block.hash, height, block.bytes);
    // Durable with the WAL fsync that precedes the proposal's broadcast.
    await this.wal.saveBlock(height, block.hash, block.bytes);
    this.log.debug('proposal built', {
      height,
      txs: block.txs.length,
      excluded: proposed.excluded.length,
      ms: this.now() - t0,
    });
  }

  /** The core's getValue: this node's prepared block, else the empty fallback. */
  private valueFor(height: number): BlockHash {
    // The core enters the next height in the step that decides; that tail is dropped with the core.
    if (height !== this.height) return new Uint8Array(32);
    if (this.proposed?.height === height) return this.proposed.block.block.hash;
    if (this.fallback?.height === height) {
      const { block } = this.fallback.block;
      this.blocks.put(block.hash, height, block.bytes);
      void this.wal.saveBlock(height, block.hash, block.bytes).catch(() => {});
      return block.hash;
    }
    throw new LedgerNodeError('INTERNAL', `no block prepared for height ${height}`);
  }

  /** Whether stepping `input` may start a round this node leads without a value yet. */
  private mayLead(input: ConsensusInput): boolean {
    const state = this.core?.state;
    if (state === undefined || state.validValue !== null || this.proposed?.height === this.height)
      return false;
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
  private async feed(input: ConsensusInput, received?: Received): Promise<void> {
    if (this.core === undefined) return;
    const epoch = this.epoch;
    if (this.mayLead(input)) {
      await this.prepareProposal(this.height);
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
              if (kind === 'precommit') this.resendHeld(); // a round that failed may have lost messages
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
      const executed = this.executed.get(toHex(hash));
      if (executed === undefined)
        throw new LedgerNodeError('INTERNAL', `decided ${toHex(hash)} without its block`);
      const own = this.proposed?.height === height ? this.proposed.block : this.fallback?.block;
      const excluded = own !== undefined && bytesEqual(own.block.hash, hash) ? own.excluded : undefined;
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
    await this.mempool.update({ txs: block.txs, txIds });
    if (excluded !== undefined && excluded.length > 0) this.mempool.evict(excluded);
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
    const key = toHex(hash);
    if (this.validating.has(key)) return;
    this.validating.add(key);
    void this.checkBlock(height, hash, epoch).then(
      (valid) => {
        if (valid === undefined) return;
        this.lane.push(async () => {
          if (epoch === this.epoch) await this.feed({ type: 'block-validity', blockHash: hash, valid });
        });
      },
      (err) => this.fail(err),
    );
  }

  private async checkBlock(height: number, hash: BlockHash, epoch: number): Promise<boolean | undefined> {
    const key = toHex(hash);
    for (let attempt = 0; ; attempt++) {
      if (epoch !== this.epoch || this.stopped) return undefined;
      if (this.executed.has(key)) return true;
      const bytes = this.blocks.get(hash) ?? (await this.fetchBlock(hash, attempt));
      if (epoch !== this.epoch || this.stopped) return undefined;
      if (bytes === undefined) continue;
      let block: Block;
      try {
        block = decodeBlock(bytes);
        if (!bytesEqual(block.hash, hash)) throw new Error('hash differs');
      } catch {
        this.blocks.delete(hash); // not this block: whoever sent it gets asked again, then others
        continue;
      }
      const drift = block.header.timestamp - this.now();
      if (drift > this.genesis.block.maxClockDriftMs) {
        this.log.warn('block from the future', { height, hash, driftMs: drift });
        return false;
      }
      try {
        const t0 = this.now();
        const executed = await this.criticalSection(() => this.chain.validate(block));
        if (epoch !== this.epoch) return undefined;
        this.executed.set(key, executed);
        this.log.debug('block validated', { height, txs: block.txs.length, ms: this.now() - t0 });
        return true;
      } catch (err) {
        if (epoch !== this.epoch) return undefined;
        if (!(err instanceof LedgerError)) throw err;
        this.counters.validationsFailed!++;
        this.log.warn('invalid block', { height, hash, code: err.code, reason: err.message });
        return false;
      }
    }
  }

  /** Asks the proposal's sender (then every peer) for a block; waits up to ~1.5 s. */
  private async fetchBlock(hash: BlockHash, attempt: number): Promise<Uint8Array | undefined> {
    const wire = encodeWire({ type: 'block-request', hash });
    const source = this.proposalSource.get(toHex(hash));
    if (attempt === 0 && source !== undefined) this.send(source, wire);
    else for (const peer of this.peerOf.values()) this.send(peer, wire);
    return this.blocks.wait(hash, 1500);
  }

  // --- network ------------------------------------------------------------------------------------

  private receive(from: string, payload: Uint8Array): void {
    if (this.stopped || !this.validatorOfPeer.has(from)) return;
    if (!this.limiter.admit(from, payload.length)) {
      this.counters.messagesDropped!++;
      return;
    }
    let msg: WireMessage;
    try {
      msg = decodeWire(payload);
    } catch (err) {
      this.counters.wireMalformed!++;
      this.log.debug('malformed wire message', { peer: this.validatorOfPeer.get(from), err });
      return;
    }
    switch (msg.type) {
      case 'consensus':
        this.onConsensus(from, msg.message, msg.block);
        return;
      case 'certificate':
        this.onCertificate(from, msg.certificate);
        return;
      case 'txs':
        this.intake.fromPeer(msg.txs);
        return;
      case 'status':
        this.onStatus(from, msg);
        return;
      case 'block-request':
        void this.serveBlock(from, msg.hash);
        return;
      case 'block':
        this.onBlock(msg.block);
        return;
      case 'sync-request':
        void readSyncEntries(this.store, msg.from, Math.min(msg.max, MAX_SYNC_BLOCKS)).then(
          (entries) => entries.length > 0 && this.send(from, encodeWire({ type: 'sync-response', entries })),
          (err) => this.log.warn('sync serve failed', { err }),
        );
        return;
      case 'sync-response':
        if (this.sync?.peer === from)
          void this.onSyncResponse(from, msg.entries).catch((err) => this.log.warn('sync failed', { err }));
        return;
    }
  }

  private onConsensus(from: string, message: Uint8Array, block: Uint8Array | null): void {
    const key = digestKey(message);
    let decoded: SignedMessage | undefined;
    if (this.seen.has(key)) {
      // A duplicate may still bring the block of a proposal accepted without it.
      if (block === null) return;
      decoded = this.tryDecode(message);
      if (decoded?.kind === 'proposal' && !this.blocks.has(decoded.proposal.blockHash))
        this.blocks.put(decoded.proposal.blockHash, decoded.proposal.height, block);
      return;
    }
    decoded = this.tryDecode(message);
    if (decoded === undefined) {
      this.seen.add(key);
      return;
    }
    const height = messageHeight(decoded);
    const received: Received = { from, key, message, block, decoded, height };
    if (height < this.height) {
      this.helpPeerBehind(from, height);
      return;
    }
    if (height > this.height + 1) {
      // A peer two heights ahead: catch up by block sync, not by buffering.
      this.requestSync(from);
      return;
    }
    if (!this.lane.push(() => this.deliver(received), true)) this.counters.messagesDropped!++;
  }

  private tryDecode(message: Uint8Array): SignedMessage | undefined {
    try {
      return decodeMessage(message);
    } catch {
      this.counters.wireMalformed!++;
      return undefined;
    }
  }

  /** Feeds a received message to the core if it is for the height being decided (in the lane). */
  private async deliver(m: Received): Promise<void> {
    if (m.height < this.height || this.seen.has(m.key)) return;
    if (m.height > this.height || this.core === undefined) {
      this.buffer(m);
      return;
    }
    const input: ConsensusInput =
      m.decoded.kind === 'proposal'
        ? { type: 'proposal', proposal: m.decoded.proposal }
        : { type: 'vote', vote: m.decoded.vote };
    await this.feed(input, m);
  }

  private buffer(m: Received): void {
    if (m.height > this.height + 1 || this.future.length >= MAX_FUTURE_MESSAGES) {
      this.counters.messagesDropped!++;
      return;
    }
    let block = m.block;
    if (block !== null && this.futureBlockBytes + block.length > MAX_FUTURE_BLOCK_BYTES) block = null;
    this.futureBlockBytes += block?.length ?? 0;
    this.future.push(block === m.block ? m : { ...m, block });
  }

  private afterAdmission(m: Received, rejected: string | undefined): void {
    if (rejected === undefined) {
      this.seen.add(m.key);
      this.held.set(m.key, m.message);
      if (m.decoded.kind === 'proposal') {
        const { blockHash, height } = m.decoded.proposal;
        this.proposalSource.set(toHex(blockHash), m.from);
        if (m.block !== null && !this.blocks.has(blockHash)) this.blocks.put(blockHash, height, m.block);
      }
      // Forward what the core accepted (without the block: peers ask for it if they need it).
      const wire = encodeWire({ type: 'consensus', message: m.message, block: null });
      for (const peer of this.peerOf.values()) if (peer !== m.from) this.send(peer, wire);
    } else if (rejected === ConsensusErrorCode.WRONG_HEIGHT) {
      if (m.height > this.height) this.buffer(m);
    } else if (!TRANSIENT.has(rejected)) {
      this.seen.add(m.key);
    }
  }

  private broadcastConsensus(message: SignedMessage): void {
    if (message.kind === 'vote') {
      const v = message.vote;
      this.log.debug('vote', { type: v.type, height: v.height, round: v.round, nil: v.blockHash === null });
    } else this.log.debug('propose', { height: message.proposal.height, round: message.proposal.round });
    const bytes = encodeMessage(message);
    const key = digestKey(bytes);
    this.seen.add(key);
    this.held.set(key, bytes);
    const block = message.kind === 'proposal' ? (this.blocks.get(message.proposal.blockHash) ?? null) : null;
    const wire = encodeWire({ type: 'consensus', message: bytes, block });
    for (const peer of this.peerOf.values()) this.send(peer, wire);
  }

  /** Sends what this node holds at the current height to `peer` (or to all). */
  private resendHeld(peer?: string): void {
    for (const bytes of this.held.values()) {
      const wire = encodeWire({ type: 'consensus', message: bytes, block: null });
      if (peer !== undefined) this.send(peer, wire);
      else for (const p of this.peerOf.values()) this.send(p, wire);
    }
  }

  private onCertificate(from: string, bytes: Uint8Array): void {
    let height: number;
    try {
      height = decodeCertificate(bytes).height;
    } catch {
      this.counters.wireMalformed!++;
      return;
    }
    if (height > this.height) this.requestSync(from);
    if (height !== this.height) return;
    this.lane.push(async () => {
      if (this.core === undefined || this.height !== height) return;
      const certificate = decodeCertificate(bytes);
      this.proposalSource.set(toHex(certificate.blockHash), from);
      await this.feed({ type: 'commit', certificate });
    }, true);
  }

  /** A peer sent a message of a height this node committed: send it that height's certificate. */
  private helpPeerBehind(peer: string, height: number): void {
    if (height > this.store.height) return;
    const key = `${peer}:${height}`;
    const last = this.certificateSent.get(key) ?? 0;
    if (this.now() - last < 1000) return;
    this.certificateSent.set(key, this.now());
    if (this.certificateSent.size > 1000) this.certificateSent.clear();
    void this.store.certificate(height).then((certificate) => {
      if (certificate !== undefined) this.send(peer, encodeWire({ type: 'certificate', certificate }));
    });
  }

  private async serveBlock(peer: string, hash: Uint8Array): Promise<void> {
    const bytes = this.blocks.get(hash) ?? (await this.store.blockByHash(hash))?.bytes;
    if (bytes !== undefined) this.send(peer, encodeWire({ type: 'block', block: bytes }));
  }

  private onBlock(bytes: Uint8Array): void {
    let block: Block;
    try {
      block = decodeBlock(bytes);
    } catch {
      this.counters.wireMalformed!++;
      return;
    }
    // Only blocks someone waits for: unsolicited blocks would be free memory for a peer to fill.
    if (this.blocks.wanted(block.hash)) this.blocks.put(block.hash, block.header.height, bytes);
  }

  private onStatus(from: string, s: Extract<WireMessage, { type: 'status' }>): void {
    const previous = this.peerStates.get(from);
    const state: PeerState = { ...s, lastResend: previous?.lastResend ?? 0 };
    this.peerStates.set(from, state);
    if (s.committed >= this.height && this.height > 0) {
      // One height behind is the normal race of a slower node (the certificate path covers it); still
      // behind after a while, or two heights behind, is a node that must sync.
      this.behindSince ??= this.now();
      if (s.committed > this.height || this.now() - this.behindSince > 2 * this.statusIntervalMs) {
        this.requestSync(from);
      }
      return;
    }
    const round = this.core?.state.round ?? 0;
    if (
      s.height === this.height &&
      this.core !== undefined &&
      (s.round < round || s.held < this.held.size) &&
      this.now() - state.lastResend > 1000
    ) {
      state.lastResend = this.now();
      this.resendHeld(from);
    }
  }

  private broadcastStatus(): void {
    if (this.stopped) return;
    const wire = encodeWire({
      type: 'status',
      committed: this.store.height,
      height: this.height,
      round: this.core?.state.round ?? 0,
      held: this.held.size,
    });
    for (const peer of this.peerOf.values()) this.send(peer, wire);
  }

  // --- block sync ---------------------------------------------------------------------------------

  private requestSync(peer: string): void {
    if (this.sync !== undefined || this.stopped) return;
    const timer = setTimeout(() => {
      if (this.sync?.timer === timer) this.sync = undefined;
    }, 10_000);
    timer.unref();
    this.sync = { peer, timer };
    this.send(peer, encodeWire({ type: 'sync-request', from: this.store.height + 1, max: 16 }));
  }

  private async onSyncResponse(peer: string, entries: readonly SyncEntry[]): Promise<void> {
    const sync = this.sync!;
    let committed = 0;
    try {
      for (const entry of entries) {
        if (this.stopped) return;
        const checked = checkSyncEntry(this.validators, this.crypto, entry);
        if (!checked.ok) {
          this.log.warn('sync entry refused', {
            peer: this.validatorOfPeer.get(peer),
            reason: checked.reason,
          });
          break;
        }
        const height = checked.block.header.height;
        if (height <= this.store.height) continue;
        if (height !== this.store.height + 1) break;
        let executed: ExecutedBlock;
        try {
          // The live round may already have executed this very block.
          executed =
            this.executed.get(toHex(checked.block.hash)) ?? (await this.chain.validate(checked.block));
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
    } finally {
      clearTimeout(sync.timer);
      if (this.sync === sync) this.sync = undefined;
    }
    await this.lane.run(async () => {
      if (!this.stopped && this.height <= this.store.height) await this.startHeight(this.store.height + 1);
    });
    const ahead = this.peerStates.get(peer);
    if (committed > 0 && ahead !== undefined && ahead.committed > this.store.height) this.requestSync(peer);
  }

  // --- transactions -------------------------------------------------------------------------------

  private async criticalSection<T>(work: () => Promise<T>): Promise<T> {
    this.critical++;
    try {
      return await work();
    } finally {
      if (--this.critical === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const w of waiters) w();
      }
    }
  }

  /** Resolves when no block is being built or validated (bounded: admission must not starve). */
  private consensusIdle(): Promise<void> {
    if (this.critical === 0 || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, 2000);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private gossipTxs(txs: readonly Uint8Array[]): void {
    const maxBytes = 4 << 20;
    for (let at = 0; at < txs.length; ) {
      let bytes = 0;
      let end = at;
      while (end < txs.length && end - at < MAX_GOSSIP_TXS && bytes + txs[end]!.length <= maxBytes)
        bytes += txs[end++]!.length;
      if (end === at) end++;
      const wire = encodeWire({ type: 'txs', txs: txs.slice(at, end) });
      for (const peer of this.peerOf.values()) this.send(peer, wire, true);
      at = end;
    }
  }

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

  // --- plumbing -----------------------------------------------------------------------------------

  /** Sends without waiting; `droppable` messages are skipped for a peer with too much in flight. */
  private send(peer: string, wire: Uint8Array, droppable = false): void {
    const pending = this.inflight.get(peer) ?? 0;
    if (droppable && pending + wire.length > MAX_PEER_INFLIGHT_BYTES) return;
    this.inflight.set(peer, pending + wire.length);
    void this.net
      .send(peer, wire)
      .catch(() => false)
      .finally(() => this.inflight.set(peer, (this.inflight.get(peer) ?? wire.length) - wire.length));
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
