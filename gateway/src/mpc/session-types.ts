/**
 * The types of an MPC session: what every party passes to `runMpcSession`, the collaborators it takes,
 * and what it returns; plus the per-party state the session phases share.
 */
import type { PreparedInput, ShareCommitment } from './input-sharing.ts';
import type { MpcProgram, ProgramSchedule } from './program.ts';
import type { MpcRandomness } from './randomness.ts';
import type { MessageRouter, SessionTraffic } from './router.ts';
import type { MpcTransport, PartyId } from './transport.ts';

/** Default time one wait for a round's messages may take. */
export const DEFAULT_ROUND_TIMEOUT_MS = 30_000;

/** What a session is about; identical at every party except `self` and `inputs`. */
export interface MpcSessionInit {
  /** Unique id of the query (e.g. the request id); part of every message's session tag. */
  sessionId: string;
  /** This party. */
  self: PartyId;
  /** The compute parties, in the order that fixes their evaluation points x_i = i + 1. */
  computeParties: readonly PartyId[];
  program: MpcProgram;
  /** This party's private inputs, by input id: a value in [0, 2^64) or a sharing prepared for a proof. */
  inputs?: Readonly<Record<string, bigint | PreparedInput>>;
  /** Longest wait for one round's messages (default {@link DEFAULT_ROUND_TIMEOUT_MS}). */
  timeoutMs?: number;
}

/** Public data of an input, handed to {@link MpcSessionComponents.inputBinding}. */
export interface InputBinding {
  inputId: string;
  holder: PartyId;
  /** Poseidon(share_i, blinding_i) for every compute party i: ShareBinding's public signals. */
  shareCommitments: readonly bigint[];
}

/** Collaborators of a session. */
export interface MpcSessionComponents {
  transport: MpcTransport;
  /** Defaults to the platform CSPRNG; inject a seeded source in tests only. */
  randomness?: MpcRandomness;
  /** Share commitment; defaults to Poseidon(share, blinding) from @privgate/circuits. */
  commitment?: ShareCommitment;
  /**
   * Called by each compute party for every input from another holder before its share is used: the
   * gateway checks the holder's RecordInclusion + ShareBinding proofs against these commitments. A false
   * answer aborts with MPC_INCONSISTENT_SHARE naming the holder.
   */
  inputBinding?: (binding: InputBinding) => boolean | Promise<boolean>;
}

/** What the output party learns. */
export type MpcOutput =
  | { kind: 'aggregate'; value: bigint }
  | { kind: 'verdict'; value: boolean; threshold: bigint };

/** The outcome of a session at one party. */
export interface MpcSessionResult {
  /** Only at the output party. */
  output?: MpcOutput;
  roles: { compute: boolean; holder: boolean; output: boolean };
  /** This party's transcript: SM3 digest over every message it sent and accepted, canonical order. */
  transcript: { digest: Uint8Array; messages: number };
  /** At compute parties: the share commitments of every input (for proof checks and anchoring). */
  inputCommitments: Record<string, bigint[]>;
  traffic: SessionTraffic;
  /** Rounds of the schedule, confirmation included (the same at every party). */
  rounds: number;
}

/** One party's state in a running session (internal to the session phases). */
export interface SessionState {
  init: MpcSessionInit;
  components: MpcSessionComponents;
  schedule: ProgramSchedule;
  participants: PartyId[];
  self: number;
  n: number;
  t: number;
  rng: MpcRandomness;
  held: number[];
  router: MessageRouter;
}
