/**
 * Builds a holding gateway's contribution for one dataset of a query (layout in `types.ts`): looks up each
 * subject's committed record in the anchored version, draws fresh value-commitment blindings, shares each
 * value for the MPC (`prepareInputSharing`, degree-t Shamir among the compute parties, Poseidon share
 * commitments), and proves every chunk's inclusion (RecordInclusion for a chunk of one subject,
 * RecordInclusionBatch otherwise: `inclusion.ts`) and share binding in parallel on the proving engine (a
 * warm worker pool, so circuits stay loaded between queries).
 */
import {
  BATCH_SIZE,
  type CircuitProvingEngine,
  type PoseidonHasher,
  type RecordWitness,
  randomFieldElement,
  recordInclusionBatchInput,
  recordInclusionInput,
  SHARE_PARTIES,
  type SharingWitness,
  shareBindingBatchInput,
  shareBindingInput,
  shareCommitment,
} from '@privgate/circuits';
import type { DatasetCommitments } from '../commitments/index.ts';
import {
  type MpcRandomness,
  type PreparedInput,
  prepareInputSharing,
  systemRandomness,
} from '../mpc/index.ts';
import { ContributionError } from './errors.ts';
import { inclusionCircuitFor } from './inclusion.ts';
import { type HolderContribution, metricInputId, type ProofItem } from './types.ts';

/** What to contribute. */
export interface ContributionRequest {
  queryId: string;
  holder: string;
  dataset: string;
  /** Subject codes (any order; the contribution sorts them by subject id). */
  subjects: readonly string[];
  /** Compute parties of the session (the compiled ShareBinding circuits take SHARE_PARTIES). */
  parties: number;
}

/** Builds contributions; an interface so a gateway can decorate it (metrics, fault drills). */
export interface ContributionBuilder {
  /**
   * @throws {ContributionError} `CONTRIBUTION_RECORD_MISSING`, `CONTRIBUTION_DATASET_UNSUITABLE`.
   * @throws {CommitmentError} when the dataset has no usable anchored version here.
   * @throws {CircuitError} when proving fails.
   */
  build(request: ContributionRequest): Promise<HolderContribution>;
}

/** Options of the builder. */
export interface ProvingContributionsInit {
  /**
   * Inclusion proofs kept for reuse (default 4096; 0 disables). A later query over the same subjects of
   * the same anchored version reuses the chunk's RecordInclusionBatch proof and its value commitments;
   * only the share binding (fresh shares, fresh share blindings) is proven again. Verifiers then see the
   * same value commitments in both queries, which tells them no more than the public subject ids and
   * version already do (same records); it never links different versions or different subjects.
   */
  inclusionCache?: number;
}

/** Collaborators of the builder. */
export interface ProvingContributionsComponents {
  commitments: DatasetCommitments;
  prover: CircuitProvingEngine;
  hasher: PoseidonHasher;
  /** Default: the platform CSPRNG. */
  randomness?: MpcRandomness;
}

/** The contribution builder of a holding gateway. */
interface CachedInclusion {
  proof: Promise<ProofItem>;
  blindings: bigint[];
}

export class ProvingContributions implements ContributionBuilder {
  readonly #c: ProvingContributionsComponents;
  readonly #cacheSize: number;
  readonly #cache = new Map<string, CachedInclusion>();

  constructor(components: ProvingContributionsComponents, init: ProvingContributionsInit = {}) {
    this.#c = components;
    this.#cacheSize = init.inclusionCache ?? 4096;
  }

  /** Inclusion proofs served from the cache so far. */
  cacheHits = 0;

  #inclusion(key: string, items: readonly RecordWitness[]): CachedInclusion {
    const cached = this.#cache.get(key);
    if (cached !== undefined) {
      this.cacheHits++;
      this.#cache.delete(key);
      this.#cache.set(key, cached); // most recently used last
      return cached;
    }
    const { prover, hasher } = this.#c;
    const made: CachedInclusion = {
      proof:
        inclusionCircuitFor(items.length) === 'record_inclusion'
          ? prover.prove('record_inclusion', recordInclusionInput(hasher, items[0]!))
          : prover.prove('record_inclusion_batch', recordInclusionBatchInput(hasher, items)),
      blindings: items.map((i) => i.blinding),
    };
    if (this.#cacheSize > 0) {
      made.proof.catch(() => this.#cache.delete(key));
      this.#cache.set(key, made);
      while (this.#cache.size > this.#cacheSize) this.#cache.delete(this.#cache.keys().next().value!);
    }
    return made;
  }

  async build(request: ContributionRequest): Promise<HolderContribution> {
    const { commitments, prover, hasher } = this.#c;
    const rng = this.#c.randomness ?? systemRandomness;
    if (request.parties !== SHARE_PARTIES) {
      throw new RangeError(
        `parties must be ${SHARE_PARTIES}, the party count the ShareBinding circuits are compiled for`,
      );
    }
    const version = await commitments.anchoredVersion(request.dataset);
    if (!version.meta.uniqueSubjects) {
      throw new ContributionError(
        'CONTRIBUTION_DATASET_UNSUITABLE',
        `${request.dataset} has subjects with several records`,
        {
          dataset: request.dataset,
          reason: 'duplicate subjects',
        },
      );
    }
    const rows: number[] = [];
    let missing = 0;
    for (const s of request.subjects) {
      const row = version.rowOf(s);
      if (row === undefined) missing++;
      else rows.push(row);
    }
    if (missing > 0) {
      throw new ContributionError(
        'CONTRIBUTION_RECORD_MISSING',
        `${missing} subject(s) have no record in ${request.dataset}`,
        {
          dataset: request.dataset,
          missing,
        },
      );
    }
    const witnesses = rows
      .map((row) => version.witness(row, commitments.pseudonyms))
      .sort((a, b) =>
        a.record.subjectId < b.record.subjectId ? -1 : a.record.subjectId > b.record.subjectId ? 1 : 0,
      );

    const commit = (share: bigint, blinding: bigint) => shareCommitment(hasher, share, blinding);
    const inputs: Record<string, PreparedInput> = {};
    const jobs: Promise<[ProofItem, ProofItem]>[] = [];
    const started = performance.now();
    for (let start = 0; start < witnesses.length; start += BATCH_SIZE) {
      const chunk = witnesses.slice(start, start + BATCH_SIZE);
      const key = `${request.dataset}\0${version.meta.version}\0${chunk.map((w) => w.row).join(',')}`;
      const items: RecordWitness[] = chunk.map((w) => ({
        record: w.record,
        path: w.path,
        blinding: randomFieldElement(),
      }));
      const inclusion = this.#inclusion(key, items);
      const sharings: SharingWitness[] = chunk.map((w, j) => {
        const prepared = prepareInputSharing(w.record.value, request.parties, commit, rng);
        inputs[metricInputId(request.dataset, start + j)] = prepared;
        return {
          value: w.record.value,
          blinding: inclusion.blindings[j]!,
          sharing: prepared.sharing,
          shareBlindings: prepared.shareBlindings,
        };
      });
      const binding =
        chunk.length === 1
          ? prover.prove('share_binding', shareBindingInput(hasher, sharings[0]!))
          : prover.prove('share_binding_batch', shareBindingBatchInput(hasher, sharings));
      jobs.push(Promise.all([inclusion.proof, binding]));
    }
    const proofs = await Promise.all(jobs);
    const provingMs = performance.now() - started;
    return {
      contribution: {
        queryId: request.queryId,
        holder: request.holder,
        dataset: request.dataset,
        version: version.meta.version,
        root: version.root,
        fieldId: version.fieldId,
        subjectIds: witnesses.map((w) => w.record.subjectId),
        inclusion: proofs.map(([p]) => p),
        binding: proofs.map(([, p]) => p),
      },
      inputs,
      provingMs,
    };
  }
}
