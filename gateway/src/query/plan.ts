/**
 * The plan of one query, which every gateway derives or checks the same way: who resolves related
 * parties, who holds each metric, which gateways compute, and the MPC program (one input per related
 * party and metric, `${dataset}#${i}` held by the dataset's owner; sum or weighted sum; comparison with
 * the threshold for a verdict; output to the entry gateway).
 */
import { sm3 } from '@privgate/accel';
import { SHARE_PARTIES } from '@privgate/circuits';
import { metricInputId } from '../contribution/index.ts';
import { MAX_INPUTS, type MpcProgram, queryProgram } from '../mpc/index.ts';
import type { PublicRequest } from './request.ts';

/** Who does what in a query. */
export interface QueryPlan {
  /** The entry gateway: receives the request, is the MPC output party, answers the requester. */
  entry: string;
  /** The gateway that holds the ownership graph and resolves related parties. */
  resolver: string;
  /** Metric dataset → its owner on the ledger. */
  holders: Record<string, string>;
  /** The MPC compute parties, in evaluation-point order (SHARE_PARTIES of them). */
  computeParties: string[];
}

/**
 * Compute parties, SHARE_PARTIES in all (the party count the ShareBinding circuits are compiled for): the
 * metric holders first, then the resolver, then other gateways, each group sorted. Compute parties see
 * the proofs' subject ids; holders and the resolver know the related parties anyway, so preferring them
 * keeps the set from gateways that would otherwise not learn it (README.md, "who learns what").
 * @throws {RangeError} when fewer gateways are known.
 */
export function chooseComputeParties(
  holders: readonly string[],
  resolver: string,
  gateways: readonly string[],
): string[] {
  const first = [...new Set(holders)].sort();
  const second = first.includes(resolver) ? [] : [resolver];
  const rest = [...new Set(gateways)].filter((g) => !first.includes(g) && g !== resolver).sort();
  const parties = [...first, ...second, ...rest].slice(0, SHARE_PARTIES);
  if (parties.length < SHARE_PARTIES)
    throw new RangeError(`need ${SHARE_PARTIES} gateways, know ${parties.length}`);
  return parties;
}

/** Most related parties a query may cover with `metrics` metrics (the MPC's input limit). */
export function relatedLimit(metrics: number, configured: number): number {
  return Math.min(configured, Math.floor(MAX_INPUTS / metrics));
}

/**
 * The MPC program of a query over `count` related parties.
 * @throws {RangeError} when it exceeds the MPC's limits.
 */
export function buildProgram(request: PublicRequest, plan: QueryPlan, count: number): MpcProgram {
  let builder = queryProgram();
  const weights: bigint[] = [];
  for (const m of request.metrics) {
    for (let i = 0; i < count; i++) {
      builder = builder.input(metricInputId(m.dataset, i), plan.holders[m.dataset]!);
      weights.push(BigInt(m.weight ?? '1'));
    }
  }
  builder = weights.every((w) => w === 1n) ? builder.sum() : builder.weightedSum(weights);
  if (request.disclosure.mode === 'verdict') builder = builder.compare(BigInt(request.disclosure.threshold));
  return builder.output(plan.entry);
}

/** SM3 over the subject ids (ascending, 32 bytes big-endian each): the attested related-party set. */
export function subjectDigest(subjectIds: readonly bigint[]): Uint8Array {
  const bytes = new Uint8Array(subjectIds.length * 32);
  subjectIds.forEach((id, i) => bytes.set(Buffer.from(id.toString(16).padStart(64, '0'), 'hex'), i * 32));
  return sm3(bytes);
}

/** What the resolver signs: "privgate/query/subjects/v1\0" ‖ queryId ‖ count (u32 BE) ‖ subject digest. */
export function attestationBytes(queryId: Uint8Array, count: number, digest: Uint8Array): Uint8Array {
  const tag = new TextEncoder().encode('privgate/query/subjects/v1\0');
  const out = new Uint8Array(tag.length + 32 + 4 + 32);
  out.set(tag, 0);
  out.set(queryId, tag.length);
  new DataView(out.buffer).setUint32(tag.length + 32, count);
  out.set(digest, tag.length + 36);
  return out;
}

/** What each party signs about its transcript: "privgate/query/transcript/v1\0" ‖ queryId ‖ party ‖ "\0" ‖ digest. */
export function transcriptBytes(queryId: Uint8Array, party: string, digest: Uint8Array): Uint8Array {
  const head = new TextEncoder().encode(`privgate/query/transcript/v1\0`);
  const who = new TextEncoder().encode(`${party}\0`);
  const out = new Uint8Array(head.length + 32 + who.length + digest.length);
  out.set(head, 0);
  out.set(queryId, head.length);
  out.set(who, head.length + 32);
  out.set(digest, head.length + 32 + who.length);
  return out;
}
