/**
 * One simulated validator process: a consensus core plus the runtime around it — a disk (WAL bytes
 * and decided blocks, which survive crashes), timers on the simulated clock, asynchronous block
 * validation, the wire codec, and a pull gossip that stands in for the paper's gossip assumption
 * (every message a correct node holds eventually reaches every correct node after GST).
 *
 * Gossip: every interval a node sends its height and the keys of the messages it holds at that height;
 * a peer at the same height answers with the messages missing from that list, and a peer that already
 * decided that height answers with its commit certificate, which lets a node that crashed or was
 * partitioned catch up through the ordinary decision rule (line 49).
 */
import {
  type CodecError,
  decodeCertificate,
  decodeMessage,
  decodeWalState,
  encodeCertificate,
  encodeMessage,
  encodeWalState,
} from '../../src/codec/index.ts';
import { toHex } from '../../src/consensus/bytes.ts';
import type {
  CommitCertificate,
  ConsensusInput,
  ConsensusOutput,
  ConsensusStateView,
  SignedMessage,
  Tendermint,
  WalState,
} from '../../src/consensus/index.ts';
import { ConsensusErrorCode } from '../../src/consensus/index.ts';
import type { Adversary } from './adversary.ts';
import type { WireMessage } from './network.ts';
import type { World } from './world.ts';

/** Stable storage of a node: what survives a crash. */
interface Disk {
  wal: Uint8Array | undefined;
  readonly decisions: Map<number, { readonly certificate: CommitCertificate; encoded?: Uint8Array }>;
}

/**
 * Gossip identity of a message. It includes the value: an equivocator's two votes are two messages,
 * and both must spread (the paper's gossip assumption covers every message a correct node received).
 */
const messageKey = (m: SignedMessage): string =>
  m.kind === 'proposal'
    ? `P${m.proposal.round}`
    : `${m.vote.type}${m.vote.round}:${m.vote.validator}:${m.vote.blockHash === null ? 'nil' : toHex(m.vote.blockHash)}`;
const TRANSIENT = new Set<string>([
  ConsensusErrorCode.WRONG_HEIGHT,
  ConsensusErrorCode.ROUND_TOO_FAR,
  ConsensusErrorCode.NOT_STARTED,
  ConsensusErrorCode.EQUIVOCATION, // an equivocator's variant may count once f + 1 others back its value
]);
const messageHeight = (m: SignedMessage): number =>
  m.kind === 'proposal' ? m.proposal.height : m.vote.height;

/** A validator process in the simulation, honest unless it has an adversary. */
export class SimNode {
  readonly id: string;
  private core: Tendermint | undefined;
  private epoch = 0;
  private readonly disk: Disk = { wal: undefined, decisions: new Map() };
  /** Messages held at `heldHeight`, encoded, for gossip. */
  private held = new Map<string, Uint8Array>();
  private heldHeight = 0;
  private crashPlan: { afterOutputs: number; afterDecide: boolean; downMs: number } | undefined;
  /**
   * Packets this process already handled for good (a gossip layer's seen-cache, like gossipsub's):
   * the simulation hands the same byte array to every recipient, so identity identifies a packet.
   * Packets refused only for now (other height, round too far) are not cached: they may count later.
   */
  private seen = new WeakSet<Uint8Array>();
  /** Who offered a Byzantine node a certificate per height, and when first (see acceptsCertificate). */
  private readonly certificateOffers = new Map<number, { first: number; peers: Set<number> }>();

  constructor(
    private readonly world: World,
    readonly index: number,
    readonly adversary: Adversary | undefined,
  ) {
    this.id = world.ids[index]!;
  }

  /** Whether the process is running. */
  get up(): boolean {
    return this.core !== undefined;
  }

  /** The core's state variables, for traces (undefined while down). */
  get consensusState(): ConsensusStateView | undefined {
    return this.core?.state;
  }

  /** Highest height decided and on disk (0 if none). */
  get lastDecided(): number {
    let max = 0;
    for (const h of this.disk.decisions.keys()) max = Math.max(max, h);
    return max;
  }

  /** Starts (or restarts) the process from its disk. */
  boot(): void {
    const wal: WalState | undefined = this.disk.wal === undefined ? undefined : decodeWalState(this.disk.wal);
    this.epoch++;
    this.core = this.world.makeCore(this.index, this.world.persistence === 'lost' ? undefined : wal);
    this.held.clear();
    this.seen = new WeakSet();
    const height = Math.max(wal?.height ?? 1, this.lastDecided + 1);
    this.heldHeight = height;
    this.step({ type: 'start', height });
  }

  /** Arms a crash (see `Crash` in scenario.ts). */
  armCrash(afterOutputs: number, afterDecide: boolean, downMs: number): void {
    if (this.up && this.crashPlan === undefined) this.crashPlan = { afterOutputs, afterDecide, downMs };
  }

  /** Cancels an armed crash (at GST). */
  disarm(): void {
    this.crashPlan = undefined;
  }

  private crash(downMs: number): void {
    this.core = undefined;
    this.crashPlan = undefined;
    this.held.clear();
    this.world.trace(`v${this.index} crashed`);
    this.world.restartLater(this, downMs);
  }

  /** Feeds the core one input and executes its outputs, possibly dying halfway. */
  step(input: ConsensusInput, received?: { message: SignedMessage; bytes: Uint8Array }): void {
    const core = this.core;
    if (core === undefined) return;
    const { outputs, rejected } = core.step(input);
    // An accepted message is held for gossip at its height (if that height was not just decided).
    if (
      rejected === undefined &&
      received !== undefined &&
      messageHeight(received.message) === this.heldHeight
    ) {
      this.held.set(messageKey(received.message), received.bytes);
    }
    if (received !== undefined && (rejected === undefined || !TRANSIENT.has(rejected.code)))
      this.seen.add(received.bytes);
    const plan = this.crashPlan;
    const dies = plan !== undefined && (!plan.afterDecide || outputs.some((o) => o.type === 'decide'));
    for (let i = 0; i < outputs.length; i++) {
      if (dies && !plan.afterDecide && i >= plan.afterOutputs) break;
      const output = outputs[i]!;
      this.execute(output);
      if (dies && plan.afterDecide && output.type === 'decide') break;
    }
    if (dies) this.crash(plan.downMs);
  }

  private execute(output: ConsensusOutput): void {
    const epoch = this.epoch;
    const world = this.world;
    switch (output.type) {
      case 'persist':
        if (this.adversary === undefined) this.disk.wal = encodeWalState(output.wal);
        return;
      case 'broadcast':
        this.broadcast(output.message);
        return;
      case 'schedule-timeout': {
        const { kind, height, round } = output;
        world.queue.after(output.durationMs, () => {
          if (this.epoch === epoch) this.step({ type: 'timeout', kind, height, round });
        });
        return;
      }
      case 'request-validation': {
        const valid = this.adversary !== undefined || world.registry.isValid(output.blockHash);
        const blockHash = output.blockHash;
        world.queue.after(world.rng.int(0, world.scenario.maxValidationDelayMs), () => {
          if (this.epoch === epoch) this.step({ type: 'block-validity', blockHash, valid });
        });
        return;
      }
      case 'decide':
        this.disk.decisions.set(output.height, { certificate: output.certificate });
        this.held.clear();
        this.heldHeight = output.height + 1;
        if (this.adversary === undefined)
          world.recordDecision(this.index, output.height, output.blockHash, output.certificate);
        return;
      case 'evidence': // what a Byzantine node reports proves nothing
        if (this.adversary === undefined) world.recordEvidence(this.index, output.evidence);
        return;
    }
  }

  private broadcast(message: SignedMessage): void {
    const peers = this.world.peersOf(this.index);
    if (this.adversary !== undefined) {
      for (const { to, bytes } of this.adversary.outgoing(message, peers))
        this.world.network.send(this.index, to, { kind: 'consensus', bytes });
      return;
    }
    this.world.recordSent(this.index, message);
    const bytes = encodeMessage(message);
    if (messageHeight(message) === this.heldHeight) this.held.set(messageKey(message), bytes);
    for (const to of peers) this.world.network.send(this.index, to, { kind: 'consensus', bytes });
  }

  /** Handles a packet from the network (dropped while the process is down). */
  receive(from: number, message: WireMessage): void {
    if (!this.up) return;
    if (message.kind === 'status') {
      this.answerStatus(from, message.height, message.have);
      return;
    }
    if (this.seen.has(message.bytes)) return;
    if (message.kind === 'certificate') {
      let certificate: CommitCertificate;
      try {
        certificate = decodeCertificate(message.bytes);
      } catch (err) {
        this.world.recordCodecReject(err as CodecError);
        return;
      }
      if (this.adversary !== undefined) {
        const offers = this.certificateOffers.get(certificate.height) ?? {
          first: this.world.queue.now,
          peers: new Set<number>(),
        };
        offers.peers.add(from);
        this.certificateOffers.set(certificate.height, offers);
        if (!this.adversary.acceptsCertificate(offers.peers, offers.first, this.world.queue.now)) return;
      }
      this.step({ type: 'commit', certificate });
      return;
    }
    let decoded: SignedMessage;
    try {
      decoded = decodeMessage(message.bytes);
    } catch (err) {
      this.world.recordCodecReject(err as CodecError);
      this.seen.add(message.bytes);
      return;
    }
    if (this.adversary !== undefined) {
      const seen = this.adversary.incoming(decoded);
      if (seen === undefined) return;
      decoded = seen;
    }
    const input: ConsensusInput =
      decoded.kind === 'proposal'
        ? { type: 'proposal', proposal: decoded.proposal }
        : { type: 'vote', vote: decoded.vote };
    this.step(input, { message: decoded, bytes: message.bytes });
  }

  /** Periodic gossip: tell every peer what this node holds. */
  gossipTick(): void {
    if (!this.up || (this.adversary !== undefined && !this.adversary.gossips)) return;
    const status: WireMessage = { kind: 'status', height: this.heldHeight, have: new Set(this.held.keys()) };
    for (const to of this.world.peersOf(this.index)) this.world.network.send(this.index, to, status);
  }

  private answerStatus(from: number, height: number, have: ReadonlySet<string>): void {
    if (height === this.heldHeight) {
      for (const [key, bytes] of this.held) {
        if (!have.has(key)) this.world.network.send(this.index, from, { kind: 'consensus', bytes });
      }
      return;
    }
    const decided = this.disk.decisions.get(height);
    if (decided === undefined || height > this.heldHeight) return;
    decided.encoded ??= encodeCertificate(decided.certificate);
    this.world.network.send(this.index, from, { kind: 'certificate', bytes: decided.encoded });
  }
}
