/**
 * Checks another gateway's contribution before its shares are used (compute parties, through the MPC
 * engine's `inputBinding` hook) and before its proofs go into the requester's bundle (the entry gateway):
 *
 *   1. the dataset is anchored on the ledger by that holder, and the contribution names its latest
 *      version and that version's root;
 *   2. the ledger registers, for each circuit used, the verification key this gateway verifies with;
 *   3. per chunk: the inclusion proof (RecordInclusion or RecordInclusionBatch for one subject, the batch
 *      for two: `inclusion.ts`) — its root, count, subject ids (the expected ones, in order) and a single
 *      field id; the binding proof's value commitments equal the inclusion proof's, slot by slot;
 *   4. every proof verifies (Groth16).
 *
 * The outcome is a boolean with a reason (verification answers, it does not throw, for any well-formed
 * contribution), plus the share commitments each MPC input must carry.
 */
import {
  BATCH_SIZE,
  CIRCUIT_NAMES,
  type CircuitName,
  decodePublicSignals,
  type Groth16Proof,
  SHARE_PARTIES,
} from '@privgate/circuits';
import type { LedgerClient } from '../ledger-client/interface.ts';
import { circuitVkeyHash } from '../ledger-client/proof-verifier.ts';
import type { ContributionErrorCode } from './errors.ts';
import { inclusionCircuitsAccepted, inclusionSignals } from './inclusion.ts';
import { type DatasetContribution, metricInputId, type ProofItem } from './types.ts';

/** What the verifier expects of a contribution. */
export interface ContributionExpectation {
  queryId: string;
  holder: string;
  dataset: string;
  /** The attested subject ids, ascending. */
  subjectIds: readonly bigint[];
  /**
   * The version the contribution must name: by default the latest anchored one (a query in progress);
   * an auditor re-checking an old bundle passes the version its record names.
   */
  version?: number;
}

/** The verdict on a contribution. */
export type ContributionCheck =
  | { valid: true; version: number; root: bigint; shareCommitments: Record<string, bigint[]>; proofs: number }
  | { valid: false; code: ContributionErrorCode; reason: string };

/** Verifies one proof; the circuits package's verifier or a prover pool's `verify`. */
export type ProofCheck = (
  circuit: CircuitName,
  proof: Groth16Proof,
  publicSignals: readonly string[],
) => Promise<boolean>;

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const toBig = (b: Uint8Array): bigint => BigInt(`0x${hex(b) || '0'}`);

/** The contribution verifier of a gateway. */
export class ContributionVerifier {
  readonly #ledger: LedgerClient;
  readonly #verify: ProofCheck;
  readonly #vkeysChecked = new Map<string, Promise<boolean>>();

  constructor(components: { ledger: LedgerClient; verify: ProofCheck }) {
    this.#ledger = components.ledger;
    this.#verify = components.verify;
  }

  /** Checks a contribution against what the query expects (see the file comment). */
  async check(c: DatasetContribution, expect: ContributionExpectation): Promise<ContributionCheck> {
    const mismatch = (reason: string): ContributionCheck => ({
      valid: false,
      code: 'CONTRIBUTION_MISMATCH',
      reason,
    });
    try {
      if (c.queryId !== expect.queryId || c.holder !== expect.holder || c.dataset !== expect.dataset) {
        return mismatch('contribution is for another query, holder or dataset');
      }
      const head = await this.#ledger.datasetHead(c.dataset);
      if (head === undefined || head.owner !== c.holder)
        return mismatch('dataset is not anchored by the holder');
      const wanted = expect.version ?? head.latestVersion;
      if (c.version !== wanted) return mismatch(`version ${c.version} is not version ${wanted}`);
      const anchored = await this.#ledger.datasetVersion(c.dataset, c.version);
      if (anchored === undefined || toBig(anchored.poseidonRoot) !== c.root)
        return mismatch('root is not the anchored root');

      const n = expect.subjectIds.length;
      const chunks = Math.ceil(n / BATCH_SIZE);
      if (c.inclusion.length !== chunks || c.binding.length !== chunks)
        return mismatch(`expected ${chunks} proof chunks`);
      if (c.subjectIds.length !== n || c.subjectIds.some((s, i) => s !== expect.subjectIds[i])) {
        return mismatch('subjects differ from the attested ones');
      }
      for (const item of [...c.inclusion, ...c.binding]) {
        if (!(await this.#vkeyRegistered(item.circuit))) {
          return {
            valid: false,
            code: 'CONTRIBUTION_VKEY_MISMATCH',
            reason: `ledger key of ${item.circuit} differs`,
          };
        }
      }

      const shareCommitments: Record<string, bigint[]> = {};
      for (let chunk = 0; chunk < chunks; chunk++) {
        const count = Math.min(BATCH_SIZE, n - chunk * BATCH_SIZE);
        const inc = c.inclusion[chunk]!;
        if (!inclusionCircuitsAccepted(count).includes(inc.circuit))
          return mismatch(`chunk ${chunk}: not an inclusion proof for ${count} subject(s)`);
        const pub = inclusionSignals(inc);
        if (pub.root !== c.root) return mismatch(`chunk ${chunk}: proof root differs`);
        if (pub.count !== BigInt(count))
          return mismatch(`chunk ${chunk}: count ${pub.count}, expected ${count}`);
        for (let j = 0; j < count; j++) {
          if (pub.subjectIds[j] !== expect.subjectIds[chunk * BATCH_SIZE + j])
            return mismatch(`chunk ${chunk}: subject ${j}`);
          if (pub.fieldIds[j] !== c.fieldId) return mismatch(`chunk ${chunk}: field ${j}`);
        }
        const bind = c.binding[chunk]!;
        let bound: { valueCommitments: bigint[]; shareCommitments: bigint[][] };
        if (count === 1 && bind.circuit === 'share_binding') {
          const b = decodePublicSignals('share_binding', bind.publicSignals);
          bound = { valueCommitments: [b.valueCommitment], shareCommitments: [b.shareCommitments] };
        } else if (bind.circuit === 'share_binding_batch') {
          bound = decodePublicSignals('share_binding_batch', bind.publicSignals);
        } else {
          return mismatch(`chunk ${chunk}: not a share binding proof`);
        }
        for (let j = 0; j < count; j++) {
          if (bound.valueCommitments[j] !== pub.valueCommitments[j])
            return mismatch(`chunk ${chunk}: value commitment ${j}`);
          const shares = bound.shareCommitments[j]!;
          if (shares.length !== SHARE_PARTIES) return mismatch(`chunk ${chunk}: share commitments ${j}`);
          shareCommitments[metricInputId(c.dataset, chunk * BATCH_SIZE + j)] = shares;
        }
      }

      const items: { item: ProofItem; index: number }[] = [
        ...c.inclusion.map((item, index) => ({ item, index })),
        ...c.binding.map((item, index) => ({ item, index })),
      ];
      const results = await Promise.all(
        items.map(({ item }) => this.#verify(item.circuit, item.proof, item.publicSignals)),
      );
      const bad = results.indexOf(false);
      if (bad >= 0) {
        const { item, index } = items[bad]!;
        return {
          valid: false,
          code: 'CONTRIBUTION_PROOF_INVALID',
          reason: `${item.circuit} proof ${index} does not verify`,
        };
      }
      return { valid: true, version: c.version, root: c.root, shareCommitments, proofs: items.length };
    } catch (err) {
      // Signals or proofs that cannot be decoded at all: not a proof of anything.
      return {
        valid: false,
        code: 'CONTRIBUTION_PROOF_INVALID',
        reason: err instanceof Error ? err.message : String(err),
      };
    }
  }

  #vkeyRegistered(circuit: string): Promise<boolean> {
    let ok = this.#vkeysChecked.get(circuit);
    if (ok === undefined) {
      ok = (async () => {
        if (!(CIRCUIT_NAMES as readonly string[]).includes(circuit)) return false;
        const registered = await this.#ledger.vkey(circuit);
        return (
          registered !== undefined &&
          hex(registered.vkeyHash) === (await circuitVkeyHash(circuit as CircuitName))
        );
      })();
      ok.catch(() => this.#vkeysChecked.delete(circuit));
      this.#vkeysChecked.set(circuit, ok);
    }
    return ok;
  }
}
