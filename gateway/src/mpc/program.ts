/**
 * Query programs: the small declarative plan every party of a session runs — inputs from named holders,
 * `sum` or `weightedSum(weights)` with public weights, optionally `compare(threshold)` with a public
 * threshold, and `output(to)` naming the only party that learns the result — plus the public parameters
 * derived from it (comparison bit length ℓ, round schedule) and its canonical encoding.
 */
import { Sm3 } from '@privgate/accel';
import { bitLength, fieldElementBytes } from './field.ts';
import { MAX_PARTICIPANTS } from './messages.ts';
import type { PartyId } from './transport.ts';

/** Input values are below 2^64 (the circuits' range check; RecordInclusion proves it). */
export const VALUE_BITS = 64;
/** Most inputs in one program. */
export const MAX_INPUTS = 64;
/** Least comparison bit length ℓ: fits a sum of 64 values of 64 bits (64·(2^64 − 1) < 2^70). */
export const MIN_COMPARE_BITS = 70;
/** Largest ℓ; 2^(ℓ + 1 + κ + 6) stays far below r ≈ 2^253.6. */
export const MAX_COMPARE_BITS = 128;
/** Statistical security κ of the Mod2m mask, in bits. */
export const STATISTICAL_SECURITY = 40;
/** Extra squaring-trick candidates drawn per comparison, replacing any with a² = 0 (see PROTOCOL.md). */
export const BIT_SPARES = 2;
/** Fewest and most compute parties. */
export const MIN_COMPUTE_PARTIES = 3;
export const MAX_COMPUTE_PARTIES = 32;

/** An input of the program: the value `id` held by gateway `holder`. */
export interface MpcInputSpec {
  readonly id: string;
  readonly holder: PartyId;
}

/** How inputs are combined: plain sum, or Σ w_i·v_i with public weights aligned with `inputs`. */
export type MpcAggregate =
  | { readonly op: 'sum' }
  | { readonly op: 'weightedSum'; readonly weights: readonly bigint[] };

/** A query program. Without `compare` the output party learns the aggregate; with it, only [aggregate ≥ T]. */
export interface MpcProgram {
  readonly inputs: readonly MpcInputSpec[];
  readonly aggregate: MpcAggregate;
  readonly compare?: { readonly threshold: bigint };
  readonly output: PartyId;
}

/** Public parameters every party derives from the program. */
export interface ProgramSchedule {
  /** ℓ: the aggregate and the threshold are < 2^ℓ; undefined without `compare`. */
  compareBits?: number;
  /** ⌈log2 ℓ⌉: multiplication rounds of the bitwise less-than. */
  prefixDepth: number;
  /** Round in which output shares go to the output party. */
  outputRound: number;
  /** All rounds: the output round plus the output party's confirmation to everyone else. */
  rounds: number;
}

/**
 * Fluent builder of a program.
 * @example
 * const program = queryProgram().input('tax', 'gw-tax').input('customs', 'gw-customs').sum()
 *   .compare(1_000_000n).output('gw-agency');
 */
export function queryProgram(): ProgramBuilder {
  return new ProgramBuilder();
}

/** See {@link queryProgram}. */
export class ProgramBuilder {
  private readonly inputs: MpcInputSpec[] = [];
  private aggregate: MpcAggregate = { op: 'sum' };
  private threshold: bigint | undefined;

  /** Adds the input `id` held by `holder`. */
  input(id: string, holder: PartyId): this {
    this.inputs.push({ id, holder });
    return this;
  }
  /** Aggregates by plain sum (the default). */
  sum(): this {
    this.aggregate = { op: 'sum' };
    return this;
  }
  /** Aggregates by Σ w_i·v_i; weights by input id, or in input order. */
  weightedSum(weights: Readonly<Record<string, bigint>> | readonly bigint[]): this {
    const list = Array.isArray(weights)
      ? [...weights]
      : this.inputs.map((input) => (weights as Record<string, bigint>)[input.id] ?? 0n);
    this.aggregate = { op: 'weightedSum', weights: list };
    return this;
  }
  /** Reveals only [aggregate ≥ threshold]. */
  compare(threshold: bigint): this {
    this.threshold = threshold;
    return this;
  }
  /**
   * Names the output party and returns the program.
   * @throws {RangeError} / {TypeError} as {@link programSchedule}.
   */
  output(to: PartyId): MpcProgram {
    const program: MpcProgram = {
      inputs: [...this.inputs],
      aggregate: this.aggregate,
      output: to,
      ...(this.threshold === undefined ? {} : { compare: { threshold: this.threshold } }),
    };
    programSchedule(program);
    return program;
  }
}

/** The weights of the aggregate in input order (all 1 for `sum`). */
export function programWeights(program: MpcProgram): bigint[] {
  return program.aggregate.op === 'sum' ? program.inputs.map(() => 1n) : [...program.aggregate.weights];
}

/**
 * Validates a program and derives its public parameters.
 * @throws {TypeError} for a malformed program; {RangeError} for out-of-range weights, threshold or sizes.
 */
export function programSchedule(program: MpcProgram): ProgramSchedule {
  const { inputs, aggregate, compare, output } = program;
  if (!Array.isArray(inputs) || inputs.length < 1 || inputs.length > MAX_INPUTS) {
    throw new RangeError(`program needs 1 to ${MAX_INPUTS} inputs`);
  }
  const ids = new Set<string>();
  inputs.forEach((input, i) => {
    checkName(input?.id, `inputs[${i}].id`);
    checkName(input.holder, `inputs[${i}].holder`);
    if (ids.has(input.id)) throw new RangeError(`duplicate input id ${input.id}`);
    ids.add(input.id);
  });
  checkName(output, 'output');
  if (aggregate?.op !== 'sum' && aggregate?.op !== 'weightedSum') throw new TypeError('unknown aggregate');
  const weights = programWeights(program);
  if (weights.length !== inputs.length) throw new RangeError('one weight per input is required');
  weights.forEach((w, i) => {
    if (typeof w !== 'bigint') throw new TypeError(`weights[${i}] must be a bigint`);
    if (w < 0n || bitLength(w) > VALUE_BITS) throw new RangeError(`weights[${i}] must be in [0, 2^64)`);
  });
  if (compare === undefined) return { prefixDepth: 0, outputRound: 2, rounds: 3 };
  const { threshold } = compare;
  if (typeof threshold !== 'bigint') throw new TypeError('threshold must be a bigint');
  const maxValue = (1n << BigInt(VALUE_BITS)) - 1n;
  const maxAggregate = weights.reduce((acc, w) => acc + w * maxValue, 0n);
  if (threshold < 0n) throw new RangeError('threshold must be non-negative');
  const bits = Math.max(MIN_COMPARE_BITS, bitLength(maxAggregate), bitLength(threshold));
  if (bits > MAX_COMPARE_BITS) throw new RangeError(`aggregate or threshold exceeds 2^${MAX_COMPARE_BITS}`);
  const prefixDepth = Math.ceil(Math.log2(bits));
  // Round 1 input + deal, 2 open squares, 3 open masked value, prefixDepth multiplications, output, done.
  return { compareBits: bits, prefixDepth, outputRound: 4 + prefixDepth, rounds: 5 + prefixDepth };
}

/**
 * The session's participant list: compute parties in their given order (party i evaluates at x = i + 1),
 * then every other holder or output party, sorted. Message headers index into this list.
 * @throws {RangeError} for a wrong number of compute parties or duplicate names.
 */
export function sessionParticipants(computeParties: readonly PartyId[], program: MpcProgram): PartyId[] {
  const n = computeParties.length;
  if (n < MIN_COMPUTE_PARTIES || n > MAX_COMPUTE_PARTIES) {
    throw new RangeError(`need ${MIN_COMPUTE_PARTIES} to ${MAX_COMPUTE_PARTIES} compute parties, got ${n}`);
  }
  computeParties.forEach((p, i) => checkName(p, `computeParties[${i}]`));
  if (new Set(computeParties).size !== n) throw new RangeError('compute parties must be distinct');
  const compute = new Set(computeParties);
  const external = new Set<PartyId>();
  for (const p of [...program.inputs.map((i) => i.holder), program.output])
    if (!compute.has(p)) external.add(p);
  const participants = [...computeParties, ...[...external].sort()];
  if (participants.length > MAX_PARTICIPANTS) throw new RangeError('too many participants');
  return participants;
}

/**
 * The 32-byte session tag carried by every message: SM3 over a domain tag, the session id, the
 * participants and the program, so that parties that disagree on any of them reject each other's messages.
 */
export function sessionTag(
  sessionId: string,
  participants: readonly PartyId[],
  program: MpcProgram,
): Uint8Array {
  const h = new Sm3();
  const text = (s: string): void => {
    const bytes = new TextEncoder().encode(s);
    h.update(new Uint8Array([bytes.length >>> 8, bytes.length & 0xff])).update(bytes);
  };
  text('privgate/mpc/session/v1');
  text(sessionId);
  h.update(new Uint8Array([participants.length]));
  participants.forEach(text);
  h.update(new Uint8Array([program.inputs.length]));
  for (const input of program.inputs) {
    text(input.id);
    text(input.holder);
  }
  text(program.aggregate.op);
  for (const w of programWeights(program)) h.update(fieldElementBytes(w));
  h.update(new Uint8Array([program.compare ? 1 : 0]));
  if (program.compare) h.update(fieldElementBytes(program.compare.threshold));
  text(program.output);
  return h.digest();
}

function checkName(value: unknown, name: string): void {
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string`);
  const bytes = new TextEncoder().encode(value).length;
  if (bytes < 1 || bytes > 256) throw new RangeError(`${name} must be 1 to 256 bytes`);
}
