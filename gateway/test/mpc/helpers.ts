/**
 * Test helpers for the MPC engine: a SEEDED, DETERMINISTIC randomness source (test only — never use it
 * for a real session: predictable coefficients reveal the inputs), a fast stand-in commitment for tests
 * that are not about commitments, and a driver that runs every party of a session over one in-memory
 * network.
 */
import { createCipheriv } from 'node:crypto';
import { sm3 } from '@privgate/accel';
import {
  createInMemoryNetwork,
  type InMemoryNetwork,
  type InMemoryNetworkOptions,
  type MpcProgram,
  type MpcRandomness,
  type MpcSessionResult,
  type PartyId,
  type PreparedInput,
  runMpcSession,
  type ShareCommitment,
} from '../../src/mpc/index.ts';

/**
 * TEST ONLY: a reproducible stream, AES-256-CTR (node:crypto) keyed by SM3 of the seed. Deterministic,
 * therefore insecure for real sessions.
 */
export function seededRandomness(seed: string | number): MpcRandomness {
  const key = sm3(new TextEncoder().encode(`privgate/mpc/test-seed/${seed}`));
  const cipher = createCipheriv('aes-256-ctr', key, new Uint8Array(16));
  const zeros = new Uint8Array(4096);
  let block = new Uint8Array(0);
  let used = 0;
  return {
    fill(bytes: Uint8Array): void {
      let i = 0;
      while (i < bytes.length) {
        if (used === block.length) {
          block = cipher.update(zeros);
          used = 0;
        }
        const take = Math.min(block.length - used, bytes.length - i);
        bytes.set(block.subarray(used, used + take), i);
        used += take;
        i += take;
      }
    },
  };
}

/** TEST ONLY: a deterministic number generator in [0, 1) for network jitter and loss. */
export function seededUnit(seed: string | number): () => number {
  const rng = seededRandomness(`unit/${seed}`);
  const buf = new Uint8Array(4);
  return () => {
    rng.fill(buf);
    return (((buf[0]! << 24) | (buf[1]! << 16) | (buf[2]! << 8) | buf[3]!) >>> 0) / 2 ** 32;
  };
}

/**
 * TEST ONLY stand-in for Poseidon(share, blinding): SM3 of both, reduced into the field. Binding enough
 * to exercise the check; the Poseidon default is exercised by its own end-to-end test.
 */
export const testCommitment: ShareCommitment = (share, blinding) => {
  const bytes = new Uint8Array(64);
  for (let i = 0; i < 32; i++) {
    bytes[31 - i] = Number((share >> BigInt(8 * i)) & 0xffn);
    bytes[63 - i] = Number((blinding >> BigInt(8 * i)) & 0xffn);
  }
  const digest = sm3(bytes);
  let v = 0n;
  for (const b of digest.subarray(0, 31)) v = (v << 8n) | BigInt(b);
  return v;
};

/** The outcome of one party in a simulated session. */
export type PartyOutcome =
  | { party: PartyId; ok: true; result: MpcSessionResult }
  | { party: PartyId; ok: false; error: unknown };

/** Options of {@link simulateSession}. */
export interface SimulationOptions {
  computeParties: readonly PartyId[];
  program: MpcProgram;
  /** Input values by input id; each goes to its holder. */
  values: Readonly<Record<string, bigint | PreparedInput>>;
  seed?: string | number;
  network?: InMemoryNetworkOptions;
  /** Runs on the network before the sessions start (interceptors, taps). */
  prepare?: (network: InMemoryNetwork) => void;
  timeoutMs?: number;
  commitment?: ShareCommitment;
  sessionId?: string;
  /** Parties whose sessions are not started (e.g. one that never shows up). */
  absent?: readonly PartyId[];
}

/** Runs every party of a session over one in-memory network and waits for all of them to settle. */
export async function simulateSession(options: SimulationOptions): Promise<{
  outcomes: Map<PartyId, PartyOutcome>;
  network: InMemoryNetwork;
}> {
  const network = createInMemoryNetwork(options.network);
  options.prepare?.(network);
  const { program, computeParties } = options;
  const parties = new Set<PartyId>([
    ...computeParties,
    ...program.inputs.map((i) => i.holder),
    program.output,
  ]);
  const runs = [...parties]
    .filter((p) => !options.absent?.includes(p))
    .map(async (party): Promise<PartyOutcome> => {
      const inputs: Record<string, bigint | PreparedInput> = {};
      for (const input of program.inputs)
        if (input.holder === party) inputs[input.id] = options.values[input.id]!;
      try {
        const result = await runMpcSession(
          {
            sessionId: options.sessionId ?? 'test-session',
            self: party,
            computeParties,
            program,
            inputs,
            timeoutMs: options.timeoutMs ?? 20_000,
          },
          {
            transport: network.endpoint(party),
            randomness: seededRandomness(`${options.seed ?? 0}/${party}`),
            commitment: options.commitment ?? testCommitment,
          },
        );
        return { party, ok: true, result };
      } catch (error) {
        return { party, ok: false, error };
      }
    });
  const settled = await Promise.all(runs);
  return { outcomes: new Map(settled.map((o) => [o.party, o])), network };
}

/** Names P0 … P(n−1). */
export function partyNames(n: number, prefix = 'P'): PartyId[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${i}`);
}
