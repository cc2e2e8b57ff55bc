/**
 * Everything one simulated run shares: the clock, the network, the block registry, the keys, the
 * nodes, and the records the invariant checker reads afterwards (decisions, evidence, every message an
 * honest validator let out of its process).
 */
import type { CodecError } from '../../src/codec/index.ts';
import { valuesEqual } from '../../src/consensus/bytes.ts';
import type {
  BlockHash,
  CommitCertificate,
  Evidence,
  SignedMessage,
  Tendermint,
  TendermintComponents,
  TendermintInit,
  ValidatorSet,
  WalState,
} from '../../src/consensus/index.ts';
import { proposerOf, Tendermint as TendermintCore } from '../../src/consensus/index.ts';
import { createAdversary } from './adversary.ts';
import { AmnesicTendermint } from './amnesia.ts';
import { BlockRegistry } from './application.ts';
import { EventQueue } from './event-queue.ts';
import { type HmacKeyring, makeValidators } from './hmac-crypto.ts';
import { SimNetwork } from './network.ts';
import { Prng } from './prng.ts';
import type { Scenario } from './scenario.ts';
import { SimNode } from './sim-node.ts';

/** Builds a core; tests pass a deliberately broken subclass to prove the checker has teeth. */
export type CoreFactory = (
  init: TendermintInit,
  components: TendermintComponents,
  wal?: WalState,
) => Tendermint;

/** How the runtime treats `persist` outputs: honoured, or (to show why they matter) forgotten. */
export type Persistence = 'durable' | 'lost';

/** A decision taken by an honest node. */
export interface DecisionRecord {
  readonly node: number;
  readonly height: number;
  readonly blockHash: BlockHash;
  readonly certificate: CommitCertificate;
  readonly timeMs: number;
}

/** Shared state of one run. */
export class World {
  readonly queue = new EventQueue();
  readonly rng: Prng;
  readonly network: SimNetwork;
  readonly registry: BlockRegistry;
  readonly keyring: HmacKeyring;
  readonly validators: ValidatorSet;
  readonly ids: readonly string[];
  readonly nodes: SimNode[] = [];
  readonly decisions: DecisionRecord[] = [];
  readonly evidence: { reporter: number; evidence: Evidence }[] = [];
  /** Every message an honest validator sent, keyed by signer/height/round/kind. */
  readonly honestSent = new Map<string, SignedMessage>();
  readonly honestDoubleSigns: string[] = [];
  readonly codecRejects = new Map<string, number>();
  readonly traceLines: string[] = [];

  constructor(
    readonly scenario: Scenario,
    private readonly coreFactory: CoreFactory,
    readonly persistence: Persistence,
    private readonly tracing: boolean,
  ) {
    const root = new Prng(scenario.seed ^ 0x1b873593);
    this.rng = root.fork();
    const { ids, keyring, set } = makeValidators(scenario.n, scenario.seed);
    this.ids = ids;
    this.keyring = keyring;
    this.validators = set;
    this.registry = new BlockRegistry(scenario.seed);
    const netRng = root.fork();
    this.network = new SimNetwork(this.queue, netRng, scenario, (from, to, m) =>
      this.nodes[to]?.receive(from, m),
    );
    const advRng = root.fork();
    for (let i = 0; i < scenario.n; i++) {
      const behaviour = scenario.byzantine.get(i);
      const adversary =
        behaviour === undefined
          ? undefined
          : createAdversary(behaviour, {
              index: i,
              id: ids[i]!,
              proposerIndex: (h, r) => set.indexOf(proposerOf(set, h, r)),
              censor: (to, ms, match) => this.network.censor(to, ms, match),
              chainId: set.chainId,
              rng: advRng.fork(),
              registry: this.registry,
              sign: keyring.signerFor(ids[i]!),
            });
      this.nodes.push(new SimNode(this, i, adversary));
    }
  }

  /** Whether validator `index` is honest in this run. */
  isHonest(index: number): boolean {
    return !this.scenario.byzantine.has(index);
  }

  /** All validators but `index`. */
  peersOf(index: number): number[] {
    return this.nodes.map((n) => n.index).filter((i) => i !== index);
  }

  /** A fresh core for node `index`, restored from `wal` if given. */
  makeCore(index: number, wal: WalState | undefined): Tendermint {
    const id = this.ids[index]!;
    const init: TendermintInit = {
      validatorId: id,
      validators: this.validators,
      timeouts: this.scenario.timeouts,
    };
    const app = { getValue: (height: number) => this.registry.honestValue(index, height) };
    const crypto = this.keyring.cryptoFor(id);
    if (this.isHonest(index)) return this.coreFactory(init, { crypto, app }, wal);
    // Byzantine nodes run a correct core whose outgoing messages are rewritten, or an amnesic one
    // that believes whatever its adversary shows it (so it skips signature checks).
    if (this.scenario.byzantine.get(index) !== 'amnesia')
      return new TendermintCore(init, { crypto, app }, wal);
    return new AmnesicTendermint(init, { crypto: { sign: crypto.sign, verify: () => true }, app }, wal);
  }

  /** Restarts a crashed node after `downMs`, but no later than GST. */
  restartLater(node: SimNode, downMs: number): void {
    const at = Math.max(this.queue.now, Math.min(this.queue.now + downMs, this.scenario.gstMs));
    this.queue.after(at - this.queue.now, () => {
      if (!node.up) {
        this.trace(`v${node.index} restarted`);
        node.boot();
      }
    });
  }

  recordDecision(node: number, height: number, blockHash: BlockHash, certificate: CommitCertificate): void {
    this.decisions.push({ node, height, blockHash, certificate, timeMs: this.queue.now });
    const { probability, minMs, maxMs } = this.scenario.isolateDecider;
    if (this.network.beforeGst && this.rng.chance(probability))
      this.network.isolate(node, this.rng.int(minMs, maxMs));
    this.trace(`v${node} decided h${height} r${certificate.round}`);
  }

  recordEvidence(reporter: number, evidence: Evidence): void {
    this.evidence.push({ reporter, evidence });
  }

  /** Records an honest node's own outgoing message and notes any second, different one for the same slot. */
  recordSent(node: number, message: SignedMessage): void {
    const signer = message.kind === 'proposal' ? message.proposal.proposer : message.vote.validator;
    if (signer !== this.ids[node]) return; // a relayed message (e.g. a proof-of-lock after a restart)
    const key =
      message.kind === 'proposal'
        ? `${node}|${message.proposal.height}|${message.proposal.round}|proposal`
        : `${node}|${message.vote.height}|${message.vote.round}|${message.vote.type}`;
    const previous = this.honestSent.get(key);
    if (previous === undefined) {
      this.honestSent.set(key, message);
      return;
    }
    if (!sameContent(previous, message))
      this.honestDoubleSigns.push(`v${node} signed two different messages for ${key}`);
  }

  recordCodecReject(err: CodecError): void {
    this.codecRejects.set(err.code, (this.codecRejects.get(err.code) ?? 0) + 1);
  }

  /** Adds a line to the run's trace (kept only when tracing, printed on replay). */
  trace(line: string): void {
    if (this.tracing) this.traceLines.push(`${this.queue.now.toFixed(0).padStart(6)}ms ${line}`);
  }
}

/** Whether two messages for the same slot say the same thing (signatures aside). */
function sameContent(a: SignedMessage, b: SignedMessage): boolean {
  if (a.kind === 'proposal' && b.kind === 'proposal') {
    return (
      a.proposal.polRound === b.proposal.polRound && valuesEqual(a.proposal.blockHash, b.proposal.blockHash)
    );
  }
  if (a.kind === 'vote' && b.kind === 'vote') return valuesEqual(a.vote.blockHash, b.vote.blockHash);
  return false;
}
