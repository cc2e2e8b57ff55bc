/**
 * One gateway's part in credit-penetration queries (README.md in this folder says who learns what):
 *
 *   entry gateway     run(): authorise on the ledger (the agency's signed "opened" audit transaction),
 *                     ask the resolver for the related-party count, start every participant, take part
 *                     as the MPC output party, check every contribution, collect signed transcripts,
 *                     anchor the query record ("answered") or the failure ("failed"), answer.
 *   resolver          `query.resolve`: BFS over the ownership graph, subjects straight to the holders,
 *                     a signed count and digest back to the entry gateway.
 *   holder / compute  `query.session`: check the query on the ledger, build contributions (proofs and
 *                     sharings) for the datasets it holds, send them to the verifiers, run the MPC
 *                     session (checking other holders' contributions before using their shares), sign
 *                     its transcript digest for the entry gateway.
 */
import { CodedError, verifySm2 } from '@privgate/accel';
import type { PoseidonHasher } from '@privgate/circuits';
import { auditPayload, Disclosure, TxKind } from '@privgate/ledger';
import type { DatasetCommitments } from '../commitments/index.ts';
import type {
  ContributionBuilder,
  ContributionCheck,
  ContributionVerifier,
  DatasetContribution,
} from '../contribution/index.ts';
import type { LedgerAccount } from '../ledger-client/account.ts';
import { isLedgerRejection } from '../ledger-client/errors.ts';
import type { AuditEvent, CommittedTx } from '../ledger-client/interface.ts';
import type { Logger } from '../logging.ts';
import {
  type InputBinding,
  type MpcOutput,
  type MpcSessionResult,
  type PreparedInput,
  runMpcSession,
  sessionParticipants,
  sessionTag,
} from '../mpc/index.ts';
import type { GatewayHost, PeerDirectory, SessionTransports } from '../mpc-transport/index.ts';
import type { GatewayStore } from '../store/index.ts';
import { ProofAnchoring } from './anchor.ts';
import { asQueryError, classifyFailure } from './classify.ts';
import { QueryError } from './errors.ts';
import {
  parseContribution,
  parsePlan,
  parseSessionSpec,
  parseTranscript,
  type SessionSpec,
} from './messages.ts';
import {
  attestationBytes,
  buildProgram,
  chooseComputeParties,
  type QueryPlan,
  relatedLimit,
  subjectDigest,
  transcriptBytes,
} from './plan.ts';
import { type QueryState, QueryStates } from './query-state.ts';
import { proofDigest, type QueryRecord, resultCommitment, type SignedTranscript } from './record.ts';
import { OwnershipGraph, type OwnershipSource } from './related-parties.ts';
import {
  CREDIT_PENETRATION,
  type CreditPenetrationRequest,
  checkAuthorization,
  type PublicRequest,
  parseQueryRequest,
  publicRequestOf,
  queryIdOf,
  queryIdOfPublic,
  requestDatasets,
} from './request.ts';

/** Options of a query gateway. */
export interface QueryGatewayInit {
  /** The dataset whose owner resolves related parties, the same at every gateway (e.g. `market.ownership`). */
  ownershipDataset: string;
  /** Set at the resolver only: where its graph and registry are. */
  resolver?: Omit<OwnershipSource, 'ownershipDataset'>;
  /** Most related parties per query (further capped by the MPC's 64 inputs / metrics); default 16. */
  maxRelated?: number;
  /** Longest wait for one MPC round (default 30 s). */
  mpcRoundTimeoutMs?: number;
  /** Longest wait for a control step: an RPC, a contribution, the subjects, transcripts (default 60 s). */
  stageTimeoutMs?: number;
}

/** Collaborators; `commitments` and `contributions` only at holders, `store` for the local query log. */
export interface QueryGatewayComponents {
  account: LedgerAccount;
  host: GatewayHost;
  directory: PeerDirectory;
  sessions: SessionTransports;
  verifier: ContributionVerifier;
  hasher: PoseidonHasher;
  store: GatewayStore;
  commitments?: DatasetCommitments;
  contributions?: ContributionBuilder;
  logger?: Logger;
  /** Told each stage a query reaches at this gateway (progress for operators and agencies). */
  onEvent?: (event: QueryEvent) => void;
}

/** Stages of a query at one gateway, in the order they are reached. */
export type QueryStage =
  /** Entry: the ledger opened the query (the agency's authorisation committed). */
  | 'opened'
  /** Entry: the ledger refused the authorisation; nothing was recorded on the ledger. */
  | 'refused'
  /** Entry: the resolver attested the related parties (`details.subjects`: how many). */
  | 'resolved'
  /** Every participant: the session is set up (`details.participants`). */
  | 'session'
  /** A holder: proofs and share commitments of one dataset built and sent (`details.dataset`, `proofs`). */
  | 'proved'
  /** Every participant: the MPC session ended (the output is at the entry gateway only). */
  | 'computed'
  /** Entry: every contribution checked and every transcript signed. */
  | 'verified'
  /** Entry: the query record anchored on the ledger (`details.answerTxId`). */
  | 'answered'
  /** The query failed here (`details.code`). */
  | 'failed';

/** One stage of a query reached at this gateway. */
export interface QueryEvent {
  queryId: string;
  /** This gateway's part in the query. */
  role: 'entry' | 'participant';
  stage: QueryStage;
  /** ms since the epoch. */
  at: number;
  details: Record<string, string | number>;
}

/** The proof bundle the requester receives with the answer. */
export interface ProofBundle {
  record: QueryRecord;
  /** Opens `record.resultCommitment` together with the answer. */
  resultNonce: string;
  /** Every holder's proofs with their public signals, anchored version and root. */
  contributions: DatasetContribution[];
  ledger: {
    openTxId: string;
    answerTxId: string;
    /** The transactions that anchored the roots the proofs are checked against. */
    anchors: { dataset: string; version: number; txId: string }[];
  };
}

/** Where the entry gateway's time went, in ms. */
export interface QueryTimings {
  authorise: number;
  resolve: number;
  /** From starting the participants to the MPC output at the entry gateway (proving included). */
  contributeAndCompute: number;
  /** Waiting for every contribution check and signed transcript after the output. */
  finish: number;
  anchor: number;
  total: number;
}

/** The answer to a query. */
export interface QueryAnswer {
  queryId: string;
  output: MpcOutput;
  bundle: ProofBundle;
  timings: QueryTimings;
}

/** Pauses before reading an empty audit trail again (≈ 3 s in all): a lagging validator catches up. */
const OPENING_LAG_WAITS_MS = [50, 100, 200, 400, 800, 1600];

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));

/** A gateway's query service. */
export class QueryGateway {
  readonly id: string;
  readonly #init: Required<Omit<QueryGatewayInit, 'resolver'>> & Pick<QueryGatewayInit, 'resolver'>;
  readonly #c: QueryGatewayComponents;
  readonly #states = new QueryStates();
  readonly #graph: OwnershipGraph | undefined;
  readonly #background = new Set<Promise<unknown>>();

  constructor(init: QueryGatewayInit, components: QueryGatewayComponents) {
    this.id = components.account.id;
    this.#init = {
      maxRelated: 16,
      mpcRoundTimeoutMs: 30_000,
      stageTimeoutMs: 60_000,
      ...init,
    };
    this.#c = components;
    this.#graph =
      init.resolver === undefined
        ? undefined
        : new OwnershipGraph(components.store, { ...init.resolver, ownershipDataset: init.ownershipDataset });
    const { host } = components;
    host.handle('query.resolve', (from, body) => this.#onResolve(from, body));
    host.handle('query.subjects', (from, body) => this.#onSubjects(from, body));
    host.handle('query.session', (from, body) => this.#onSession(from, body));
    host.handle('query.contribution', (from, body) => this.#onContribution(from, body));
    host.handle('query.transcript', (from, body) => this.#onTranscript(from, body));
    host.handle('query.failed', (from, body) => this.#onFailed(from, body));
    host.handle('query.abort', (from, body) => this.#onAbort(from, body));
  }

  get #ledger() {
    return this.#c.account.ledger;
  }

  // --- entry gateway -------------------------------------------------------------------------------

  /**
   * Runs a query on behalf of an agency, as its entry gateway.
   * @param openTx the agency's signed "opened" audit transaction for this request (`authorizeQuery`).
   * @throws {QueryError} `QUERY_INVALID`, `QUERY_UNAUTHORISED` (refused by the ledger: nothing recorded,
   *   since the ledger refuses the opening itself), and after the opening every other code, each also
   *   recorded on the ledger as the query's "failed" event: `QUERY_UNAUTHORISED`, `QUERY_SUBJECT_UNKNOWN`,
   *   `QUERY_METRIC_UNKNOWN`, `QUERY_TOO_BROAD`, `QUERY_PROOF_INVALID`, `QUERY_INCONSISTENT_SHARE`,
   *   `QUERY_PARTY_DROPPED`, `QUERY_TIMEOUT`, `QUERY_CONTRIBUTION_FAILED`, `QUERY_FAILED`.
   */
  async run(requestInput: unknown, openTx: Uint8Array): Promise<QueryAnswer> {
    const t0 = performance.now();
    const request = parseQueryRequest(requestInput);
    const queryIdBytes = queryIdOf(request);
    const queryId = hex(queryIdBytes);
    checkAuthorization(request, openTx, this.#ledger.chainId);
    let opened: CommittedTx;
    try {
      opened = await this.#ledger.submit(openTx);
    } catch (err) {
      const refusal = new QueryError(
        'QUERY_UNAUTHORISED',
        `the ledger refuses to open the query: ${(err as Error).message}`,
        {
          agency: request.agency,
          policyId: request.policyId,
          reason: (err as Error).message,
          ...(isLedgerRejection(err) ? { ledgerCode: err.context.ledgerCode } : {}),
        },
      );
      await this.#log(request, 'refused', {
        queryId,
        code: refusal.code,
        ledgerCode: refusal.context.ledgerCode ?? null,
      });
      const thrown = isLedgerRejection(err) ? refusal : classifyFailure(err, undefined, 'open');
      this.#emit(queryId, 'entry', 'refused', { code: thrown.code });
      throw thrown;
    }
    this.#emit(queryId, 'entry', 'opened', { openTxId: opened.idHex });
    const t1 = performance.now();
    const state = this.#states.get(queryId);
    let stage = 'authorise';
    let proofsAnchoring: ProofAnchoring | undefined;
    try {
      const pub = publicRequestOf(request);
      await this.#checkDisclosure(pub);
      stage = 'plan';
      const plan = await this.#plan(pub);
      stage = 'resolve';
      const resolved = (await this.#call(plan.resolver, 'query.resolve', { queryId, request, plan })) as {
        count: number;
        digest: string;
        attestation: string;
      };
      const t2 = performance.now();
      this.#emit(queryId, 'entry', 'resolved', { subjects: resolved.count });
      const spec: SessionSpec = { queryId, request: pub, plan, ...resolved };
      await this.#checkSpec(spec);
      const program = buildProgram(pub, plan, spec.count);
      const participants = sessionParticipants(plan.computeParties, program).filter((p) => p !== this.id);
      state.participants = [this.id, ...participants];
      state.entry = this.id;

      stage = 'session';
      const failed = state.failure();
      failed.catch(() => {});
      const started = Promise.all(participants.map((p) => this.#call(p, 'query.session', spec)));
      started.catch(() => {});
      // Each contribution's proofs go on the ledger as soon as it is checked, while others still prove
      // and the MPC runs; the last ones with the result (anchor.ts).
      const anchoring = new ProofAnchoring(this.#c.account, queryIdBytes);
      proofsAnchoring = anchoring;
      const checks = this.#checkAll(spec, state, (c) => anchoring.add(c));
      checks.catch(() => {});
      const session = this.#participate(spec);
      session.catch(() => {});
      await Promise.race([Promise.all([started, session]), failed]);
      const result = await session;
      const t3 = performance.now();

      stage = 'finish';
      const contributions = await Promise.race([checks, failed]);
      const signed = Promise.all(
        [this.id, ...participants].sort().map((p) =>
          state.transcript(p).wait(
            this.#init.stageTimeoutMs,
            () =>
              new QueryError('QUERY_TIMEOUT', `no transcript from ${p}`, {
                waitingFor: [p],
                stage: 'transcripts',
              }),
          ),
        ),
      );
      signed.catch(() => {});
      const transcripts = await Promise.race([signed, failed]);
      const t4 = performance.now();
      this.#emit(queryId, 'entry', 'verified', {
        contributions: contributions.length,
        transcripts: transcripts.length,
      });

      stage = 'anchor';
      const output = result.output!;
      const resultNonce = hex(crypto.getRandomValues(new Uint8Array(16)));
      const record: QueryRecord = {
        v: 1,
        queryId,
        request: pub,
        entry: plan.entry,
        resolver: plan.resolver,
        computeParties: plan.computeParties,
        subjectCount: spec.count,
        subjectDigest: spec.digest,
        attestation: spec.attestation,
        datasets: contributions.map((c) => ({
          dataset: c.dataset,
          holder: c.holder,
          version: c.version,
          root: `0x${c.root.toString(16).padStart(64, '0')}`,
          proofDigest: proofDigest(c),
        })),
        transcripts,
        resultCommitment: resultCommitment(queryId, output, resultNonce),
      };
      // The proofs and the record go on the ledger with the answer, so an auditor needs nothing else.
      const anchorsRead = Promise.all(
        contributions.map(async (c) => ({
          dataset: c.dataset,
          version: c.version,
          txId: hex((await this.#ledger.datasetVersion(c.dataset, c.version))!.txId),
        })),
      );
      anchorsRead.catch(() => {});
      const { answered } = await anchoring.finish(record, contributions);
      const anchors = await anchorsRead;
      const t5 = performance.now();
      await this.#log(request, 'answered', { queryId, answerTxId: answered.idHex });
      this.#emit(queryId, 'entry', 'answered', { answerTxId: answered.idHex });
      return {
        queryId,
        output,
        bundle: {
          record,
          resultNonce,
          contributions,
          ledger: { openTxId: opened.idHex, answerTxId: answered.idHex, anchors },
        },
        timings: {
          authorise: t1 - t0,
          resolve: t2 - t1,
          contributeAndCompute: t3 - t2,
          finish: t4 - t3,
          anchor: t5 - t4,
          total: t5 - t0,
        },
      };
    } catch (err) {
      // A failed session may have been aborted by a peer before this gateway's own checks finished.
      await Promise.race([
        Promise.allSettled([...state.checks.values()]),
        new Promise((r) => setTimeout(r, 2000)),
      ]);
      const failure = classifyFailure(err, state, stage);
      proofsAnchoring?.close();
      state.abort(failure);
      for (const p of state.participants.filter((p) => p !== this.id)) {
        void this.#call(p, 'query.abort', { queryId }).catch(() => {});
      }
      try {
        await this.#c.account.submit(
          TxKind.queryAudit,
          auditPayload({
            op: 'failed',
            queryId: queryIdBytes,
            reason: `${failure.code}: ${failure.message}`.replace(/[^\x20-\x7e]/g, '?').slice(0, 240),
          }),
        );
      } catch (ledgerError) {
        this.#c.logger?.error(
          { queryId, err: (ledgerError as Error).message },
          'could not record the failure on the ledger',
        );
      }
      await this.#log(request, 'failed', { queryId, code: failure.code });
      this.#emit(queryId, 'entry', 'failed', { code: failure.code });
      throw failure;
    } finally {
      setTimeout(() => this.#states.delete(queryId), 30_000).unref();
    }
  }

  /** The policy's disclosure must allow the request's: a verdict-only policy never yields an aggregate. */
  async #checkDisclosure(request: PublicRequest): Promise<void> {
    const policy = await this.#ledger.policy(request.policyId);
    if (policy === undefined) {
      throw new QueryError('QUERY_UNAUTHORISED', 'no such policy', {
        agency: request.agency,
        policyId: request.policyId,
        reason: 'no policy',
      });
    }
    if (policy.disclosure === Disclosure.verdict && request.disclosure.mode !== 'verdict') {
      throw new QueryError('QUERY_UNAUTHORISED', `policy ${request.policyId} allows verdicts only`, {
        agency: request.agency,
        policyId: request.policyId,
        reason: 'disclosure not allowed',
      });
    }
  }

  async #plan(request: PublicRequest): Promise<QueryPlan> {
    const holders: Record<string, string> = {};
    for (const m of request.metrics) {
      const head = await this.#ledger.datasetHead(m.dataset);
      if (head === undefined)
        throw new QueryError('QUERY_METRIC_UNKNOWN', `${m.dataset} is not anchored`, { dataset: m.dataset });
      holders[m.dataset] = head.owner;
    }
    const graph = await this.#ledger.datasetHead(this.#init.ownershipDataset);
    if (graph === undefined) {
      throw new QueryError('QUERY_FAILED', 'no ownership graph is anchored', {
        stage: 'plan',
        reason: 'no resolver',
      });
    }
    const gateways = [this.id, ...this.#c.directory.bindings().map((b) => b.orgId)];
    return {
      entry: this.id,
      resolver: graph.owner,
      holders,
      computeParties: chooseComputeParties(Object.values(holders), graph.owner, gateways),
    };
  }

  /**
   * Checks every holder's contribution for the bundle (telling `onValid` of each as it passes), aborting
   * the session at the first invalid one.
   */
  async #checkAll(
    spec: SessionSpec,
    state: QueryState,
    onValid: (contribution: DatasetContribution) => void,
  ): Promise<DatasetContribution[]> {
    const out: DatasetContribution[] = [];
    await Promise.all(
      spec.request.metrics.map(async (m) => {
        const holder = spec.plan.holders[m.dataset]!;
        const check = await this.#check(spec, state, holder, m.dataset);
        if (!check.valid) {
          // Stop this gateway's session at once; the compute parties refuse the shares on their own.
          state.abort(
            new QueryError('QUERY_PROOF_INVALID', check.reason, {
              holder,
              dataset: m.dataset,
              reason: check.reason,
            }),
          );
          throw new QueryError('QUERY_PROOF_INVALID', check.reason, {
            holder,
            dataset: m.dataset,
            reason: check.reason,
          });
        }
        const contribution = state.contribution(holder, m.dataset).value!;
        onValid(contribution);
        out.push(contribution);
      }),
    );
    const order = spec.request.metrics.map((m) => m.dataset);
    return out.sort((a, b) => order.indexOf(a.dataset) - order.indexOf(b.dataset));
  }

  // --- every participant ---------------------------------------------------------------------------

  /** This gateway's part: contributions for the datasets it holds, then the MPC session and transcript. */
  async #participate(spec: SessionSpec): Promise<MpcSessionResult> {
    const { plan, request } = spec;
    const state = this.#states.get(spec.queryId);
    state.entry = plan.entry;
    const program = buildProgram(request, plan, spec.count);
    const inputs: Record<string, PreparedInput> = {};
    const mine = request.metrics.map((m) => m.dataset).filter((d) => plan.holders[d] === this.id);
    const role = plan.entry === this.id ? 'entry' : 'participant';
    const isVerifier = plan.computeParties.includes(this.id) || plan.entry === this.id;
    if (isVerifier) {
      // Check every other holder's contribution as soon as it arrives — while this gateway still proves
      // its own, and not when the MPC's input round asks (the binding hook then finds the verdict
      // ready): only the last holder's check stays between its proving and the MPC.
      for (const m of request.metrics) {
        const holder = plan.holders[m.dataset]!;
        if (holder !== this.id) void this.#check(spec, state, holder, m.dataset).catch(() => {});
      }
    }
    try {
      if (mine.length > 0) Object.assign(inputs, await this.#contribute(spec, state, mine));
      // A holder sends its contributions just before it joins the session, so once every other holder's
      // contribution is here the MPC rounds wait on the network only, never on someone's proving.
      if (isVerifier) {
        await state.guard(
          Promise.all(
            request.metrics
              .filter((m) => plan.holders[m.dataset] !== this.id)
              .map((m) =>
                state.contribution(plan.holders[m.dataset]!, m.dataset).wait(
                  this.#init.stageTimeoutMs,
                  () =>
                    new QueryError('QUERY_TIMEOUT', `no contribution from ${plan.holders[m.dataset]}`, {
                      waitingFor: [plan.holders[m.dataset]!],
                      stage: 'contribution',
                    }),
                ),
              ),
          ),
        );
      }
      if (state.aborted !== undefined) throw state.aborted;
      const participants = sessionParticipants(plan.computeParties, program);
      const transport = this.#c.sessions.session(sessionTag(spec.queryId, participants, program));
      state.participants = participants;
      state.transport = transport;
      this.#emit(spec.queryId, role, 'session', { participants: participants.length });
      if (state.aborted !== undefined) {
        transport.close();
        throw state.aborted;
      }
      const isCompute = plan.computeParties.includes(this.id);
      let result: MpcSessionResult;
      try {
        result = await runMpcSession(
          {
            sessionId: spec.queryId,
            self: this.id,
            computeParties: plan.computeParties,
            program,
            ...(mine.length > 0 ? { inputs } : {}),
            timeoutMs: this.#init.mpcRoundTimeoutMs,
          },
          {
            transport,
            ...(isCompute ? { inputBinding: (b: InputBinding) => this.#bindingHolds(spec, state, b) } : {}),
          },
        );
      } finally {
        transport.close();
      }
      this.#emit(spec.queryId, role, 'computed', { rounds: result.rounds });
      const digest = result.transcript.digest;
      const signed: SignedTranscript = {
        party: this.id,
        digest: hex(digest),
        signature: hex(this.#c.account.signer.sign(transcriptBytes(unhex(spec.queryId), this.id, digest))),
      };
      if (plan.entry === this.id) state.transcript(this.id).resolve(signed);
      else await this.#call(plan.entry, 'query.transcript', { queryId: spec.queryId, transcript: signed });
      return result;
    } catch (err) {
      if (plan.entry !== this.id) {
        const failure = asQueryError(err) ?? classifyFailure(err, undefined, 'participant');
        // The cause (e.g. the transport's reason for an unreachable party), never a figure: contexts name
        // parties, stages and codes only.
        const cause =
          err instanceof CodedError ? { cause: err.code, reason: err.message, context: err.context } : {};
        this.#c.logger?.warn(
          { queryId: spec.queryId, code: failure.code, ...cause },
          'query participation failed',
        );
        this.#emit(spec.queryId, role, 'failed', { code: failure.code });
        await this.#call(plan.entry, 'query.failed', {
          queryId: spec.queryId,
          error: failure.toJSON(),
        }).catch(() => {});
      }
      throw err;
    }
  }

  async #contribute(
    spec: SessionSpec,
    state: QueryState,
    datasets: string[],
  ): Promise<Record<string, PreparedInput>> {
    const { contributions, commitments } = this.#c;
    if (contributions === undefined || commitments === undefined) {
      throw new QueryError('QUERY_CONTRIBUTION_FAILED', `${this.id} holds no datasets`, {
        party: this.id,
        dataset: datasets[0]!,
        reason: 'not a holder',
      });
    }
    const sent = await state.guard(
      state.subjects.wait(
        this.#init.stageTimeoutMs,
        () =>
          new QueryError('QUERY_TIMEOUT', 'no subjects from the resolver', {
            waitingFor: [spec.plan.resolver],
            stage: 'subjects',
          }),
      ),
    );
    if (sent.from !== spec.plan.resolver) {
      throw new QueryError('QUERY_FAILED', 'subjects came from another gateway than the resolver', {
        stage: 'subjects',
        reason: sent.from,
      });
    }
    const ids = sent.subjects
      .map((s) => commitments.pseudonyms.of(s))
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (ids.length !== spec.count || hex(subjectDigest(ids)) !== spec.digest) {
      throw new QueryError('QUERY_FAILED', 'the subjects differ from the attested set', {
        stage: 'subjects',
        reason: 'digest',
      });
    }
    const verifiers = [...new Set([...spec.plan.computeParties, spec.plan.entry])].filter(
      (p) => p !== this.id,
    );
    const role = spec.plan.entry === this.id ? 'entry' : 'participant';
    const built = await Promise.all(
      datasets.map(async (dataset) => {
        const b = await contributions
          .build({
            queryId: spec.queryId,
            holder: this.id,
            dataset,
            subjects: sent.subjects,
            parties: spec.plan.computeParties.length,
          })
          .catch((err: unknown) => {
            throw new QueryError('QUERY_CONTRIBUTION_FAILED', `${this.id} cannot contribute ${dataset}`, {
              party: this.id,
              dataset,
              reason: err instanceof Error ? err.message : String(err),
            });
          });
        // Each dataset's proofs go out as soon as they are built: the verifiers check them while this
        // holder still proves its other datasets.
        state.contribution(this.id, dataset).resolve(b.contribution);
        this.#emit(spec.queryId, role, 'proved', {
          dataset,
          proofs: b.contribution.inclusion.length + b.contribution.binding.length,
          provingMs: Math.round(b.provingMs),
        });
        await Promise.all(
          verifiers.map((v) => this.#call(v, 'query.contribution', { contribution: b.contribution })),
        );
        return b;
      }),
    );
    return Object.assign({}, ...built.map((b) => b.inputs));
  }

  /** The MPC input-binding hook of a compute party: the share commitments must be the proven ones. */
  async #bindingHolds(spec: SessionSpec, state: QueryState, binding: InputBinding): Promise<boolean> {
    const dataset = binding.inputId.slice(0, binding.inputId.lastIndexOf('#'));
    if (spec.plan.holders[dataset] !== binding.holder) return false;
    const refuse = (reason: string): false => {
      this.#c.logger?.warn(
        { queryId: spec.queryId, holder: binding.holder, input: binding.inputId, reason },
        'input binding refused',
      );
      return false;
    };
    let check: ContributionCheck;
    try {
      check = await this.#check(spec, state, binding.holder, dataset);
    } catch (err) {
      return refuse(err instanceof Error ? err.message : String(err));
    }
    if (!check.valid) return refuse(`${check.code}: ${check.reason}`);
    const expected = check.shareCommitments[binding.inputId];
    const same =
      expected !== undefined &&
      expected.length === binding.shareCommitments.length &&
      expected.every((c, i) => c === binding.shareCommitments[i]);
    return (
      same || refuse(expected === undefined ? 'no proven share commitments' : 'share commitments differ')
    );
  }

  /** Waits for a holder's contribution and checks it (once per query, holder and dataset). */
  #check(spec: SessionSpec, state: QueryState, holder: string, dataset: string): Promise<ContributionCheck> {
    const key = `${holder}\0${dataset}`;
    let check = state.checks.get(key);
    if (check === undefined) {
      check = (async (): Promise<ContributionCheck> => {
        const c = await state.contribution(holder, dataset).wait(
          this.#init.stageTimeoutMs,
          () =>
            new QueryError('QUERY_TIMEOUT', `no contribution from ${holder}`, {
              waitingFor: [holder],
              stage: 'contribution',
            }),
        );
        if (holder === this.id)
          return { valid: true, version: c.version, root: c.root, shareCommitments: {}, proofs: 0 };
        if (c.subjectIds.length !== spec.count || hex(subjectDigest(c.subjectIds)) !== spec.digest) {
          return {
            valid: false,
            code: 'CONTRIBUTION_MISMATCH',
            reason: 'subjects differ from the attested set',
          };
        }
        const result = await this.#c.verifier.check(c, {
          queryId: spec.queryId,
          holder,
          dataset,
          subjectIds: c.subjectIds,
        });
        if (!result.valid) state.invalid ??= { holder, dataset, check: result };
        return result;
      })();
      state.checks.set(key, check);
    }
    return check;
  }

  // --- ledger and plan checks shared by every gateway ----------------------------------------------

  /** The query must be open on the ledger exactly as the request says, and its disclosure allowed. */
  async #checkOpen(queryId: string, request: PublicRequest): Promise<void> {
    if (hex(queryIdOfPublic(request)) !== queryId) {
      throw new QueryError('QUERY_INVALID', 'the request does not hash to the query id', {
        reason: 'query id',
      });
    }
    const trail = await this.#openedTrail(unhex(queryId));
    const opened = trail[0];
    const refuse = (reason: string) =>
      new QueryError('QUERY_UNAUTHORISED', `query ${queryId.slice(0, 16)}…: ${reason}`, {
        agency: request.agency,
        policyId: request.policyId,
        reason,
      });
    if (opened?.kind !== 'opened') throw refuse('not opened on the ledger');
    if (trail.length > 1) throw refuse('already closed on the ledger');
    if (
      opened.requester !== request.agency ||
      opened.policyId !== request.policyId ||
      opened.queryKind !== CREDIT_PENETRATION ||
      opened.purpose !== request.purpose ||
      opened.datasets.join('\n') !== requestDatasets(request).join('\n')
    ) {
      throw refuse('the opened query differs from the request');
    }
    if (opened.disclosure === 'verdict' && request.disclosure.mode !== 'verdict')
      throw refuse('disclosure not allowed');
  }

  /**
   * The query's audit trail once it shows the opening. The entry gateway saw the opening committed by one
   * validator; the validator this gateway reads from may still be a block behind (tens of ms, more under
   * load), so an empty trail is read again for a short, bounded while before the query is refused.
   */
  async #openedTrail(queryId: Uint8Array): Promise<AuditEvent[]> {
    let trail = await this.#ledger.auditTrail(queryId);
    for (const waitMs of OPENING_LAG_WAITS_MS) {
      if (trail.length > 0) break;
      await new Promise((r) => setTimeout(r, waitMs));
      trail = await this.#ledger.auditTrail(queryId);
    }
    return trail;
  }

  /** A participant's checks of the plan and the resolver's attestation against the ledger. */
  async #checkSpec(spec: SessionSpec): Promise<void> {
    const { plan } = spec;
    const bad = (reason: string) => new QueryError('QUERY_INVALID', `plan: ${reason}`, { reason });
    const graph = await this.#ledger.datasetHead(this.#init.ownershipDataset);
    if (graph?.owner !== plan.resolver) throw bad('resolver is not the owner of the ownership graph');
    for (const m of spec.request.metrics) {
      if ((await this.#ledger.datasetHead(m.dataset))?.owner !== plan.holders[m.dataset])
        throw bad(`holder of ${m.dataset}`);
    }
    const parties = new Set(plan.computeParties);
    if (parties.size !== plan.computeParties.length) throw bad('compute parties repeat');
    for (const p of [...parties, plan.entry]) {
      if (!(await this.#ledger.identity(p))?.roles.includes('gateway')) throw bad(`${p} is not a gateway`);
    }
    const resolver = await this.#ledger.identity(plan.resolver);
    const message = attestationBytes(unhex(spec.queryId), spec.count, unhex(spec.digest));
    let valid = false;
    try {
      valid = resolver?.publicKey != null && verifySm2(message, unhex(spec.attestation), resolver.publicKey);
    } catch {
      valid = false;
    }
    if (!valid) throw bad('the related-party attestation does not verify');
  }

  // --- RPC handlers --------------------------------------------------------------------------------

  async #onResolve(from: string, body: unknown): Promise<unknown> {
    const {
      queryId,
      request: raw,
      plan: rawPlan,
    } = (body ?? {}) as { queryId: unknown; request: unknown; plan: unknown };
    if (typeof queryId !== 'string' || !/^[0-9a-f]{64}$/.test(queryId)) {
      throw new QueryError('QUERY_INVALID', 'malformed query id', { reason: 'queryId' });
    }
    const plan = parsePlan(rawPlan);
    const request: CreditPenetrationRequest = parseQueryRequest(raw);
    const pub = publicRequestOf(request);
    await this.#checkOpen(queryId, pub);
    if (this.#graph === undefined || plan.resolver !== this.id || plan.entry !== from) {
      throw new QueryError('QUERY_INVALID', `${this.id} does not resolve this query`, {
        reason: 'not the resolver',
      });
    }
    const limit = relatedLimit(request.metrics.length, this.#init.maxRelated);
    const related = await this.#graph.related(request.subject, request.depth, limit);
    if (related === undefined)
      throw new QueryError('QUERY_SUBJECT_UNKNOWN', 'the subject is not registered', {});
    if (related.length > limit) {
      throw new QueryError('QUERY_TOO_BROAD', `more than ${limit} related parties`, {
        related: related.length,
        limit,
      });
    }
    const pseudonyms = this.#c.commitments?.pseudonyms;
    if (pseudonyms === undefined)
      throw new QueryError('QUERY_FAILED', 'resolver has no subject key', {
        stage: 'resolve',
        reason: 'config',
      });
    const ids = related.map((s) => pseudonyms.of(s)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const digest = subjectDigest(ids);
    const attestation = this.#c.account.signer.sign(attestationBytes(unhex(queryId), ids.length, digest));
    // The subjects go to the holders only; the entry gateway learns their number and digest.
    const holders = [...new Set(Object.values(plan.holders))];
    await Promise.all(
      holders.map((h) =>
        h === this.id
          ? this.#states.get(queryId).subjects.resolve({ from: this.id, subjects: related })
          : this.#call(h, 'query.subjects', { queryId, subjects: related }),
      ),
    );
    return { count: ids.length, digest: hex(digest), attestation: hex(attestation) };
  }

  async #onSubjects(from: string, body: unknown): Promise<unknown> {
    const { queryId, subjects } = body as { queryId: string; subjects: string[] };
    if (
      typeof queryId !== 'string' ||
      !Array.isArray(subjects) ||
      !subjects.every((s) => typeof s === 'string')
    ) {
      throw new QueryError('QUERY_INVALID', 'malformed subjects', { reason: 'subjects' });
    }
    // Only the ledger's owner of the ownership graph resolves; anyone else could only jam the slot.
    if ((await this.#ledger.datasetHead(this.#init.ownershipDataset))?.owner !== from) {
      throw new QueryError('QUERY_INVALID', `${from} does not resolve related parties`, {
        reason: 'not the resolver',
      });
    }
    this.#states.get(queryId).subjects.resolve({ from, subjects });
    return { ok: true };
  }

  async #onSession(from: string, body: unknown): Promise<unknown> {
    const spec = parseSessionSpec(body);
    if (spec.plan.entry !== from)
      throw new QueryError('QUERY_INVALID', 'only the entry gateway starts a session', { reason: 'entry' });
    await this.#checkOpen(spec.queryId, spec.request);
    await this.#checkSpec(spec);
    const run = this.#participate(spec).catch((err: unknown) => {
      this.#c.logger?.debug(
        { queryId: spec.queryId, err: (err as Error).message },
        'session ended with an error',
      );
    });
    this.#background.add(run);
    void run.finally(() => this.#background.delete(run));
    return { accepted: true };
  }

  #onContribution(from: string, body: unknown): unknown {
    const contribution = parseContribution((body as { contribution?: unknown } | null)?.contribution);
    if (contribution.holder !== from) {
      throw new QueryError('QUERY_INVALID', 'a contribution must come from its holder', { reason: 'holder' });
    }
    this.#states.get(contribution.queryId).contribution(from, contribution.dataset).resolve(contribution);
    return { ok: true };
  }

  #onTranscript(from: string, body: unknown): unknown {
    const { queryId } = (body ?? {}) as { queryId?: unknown };
    const transcript = parseTranscript((body as { transcript?: unknown } | null)?.transcript);
    if (typeof queryId !== 'string' || !/^[0-9a-f]{64}$/.test(queryId)) {
      throw new QueryError('QUERY_INVALID', 'malformed query id', { reason: 'queryId' });
    }
    if (transcript.party !== from)
      throw new QueryError('QUERY_INVALID', 'a transcript must come from its party', { reason: 'party' });
    this.#states.get(queryId).transcript(from).resolve(transcript);
    return { ok: true };
  }

  #onFailed(from: string, body: unknown): unknown {
    const { queryId, error } = (body ?? {}) as {
      queryId: unknown;
      error?: { code?: unknown; message?: unknown; context?: unknown };
    };
    if (typeof queryId !== 'string' || !/^[0-9a-f]{64}$/.test(queryId)) {
      throw new QueryError('QUERY_INVALID', 'malformed query id', { reason: 'queryId' });
    }
    const known = asQueryError(
      new CodedError(
        String(error?.code),
        `${from}: ${String(error?.message)}`,
        (error?.context ?? {}) as Record<string, unknown>,
      ),
    );
    const failure =
      known ??
      new QueryError('QUERY_FAILED', `${from} failed`, { stage: 'participant', reason: String(error?.code) });
    this.#states.get(queryId).report(failure, from);
    return { ok: true };
  }

  #onAbort(from: string, body: unknown): unknown {
    const { queryId } = (body ?? {}) as { queryId?: unknown };
    if (typeof queryId !== 'string' || !/^[0-9a-f]{64}$/.test(queryId)) {
      throw new QueryError('QUERY_INVALID', 'malformed query id', { reason: 'queryId' });
    }
    const state = this.#states.get(queryId);
    if (state.entry !== undefined && state.entry !== from) {
      throw new QueryError('QUERY_INVALID', 'only the entry gateway aborts a query', { reason: 'entry' });
    }
    state.abort(
      new QueryError('QUERY_FAILED', `${from} aborted the query`, { stage: 'abort', reason: from }),
    );
    return { ok: true };
  }

  // --- helpers ---------------------------------------------------------------------------------------

  async #call(to: string, method: string, body: unknown): Promise<unknown> {
    if (to === this.id) {
      if (method === 'query.resolve') return this.#onResolve(this.id, body);
      throw new QueryError('QUERY_FAILED', `${method} to self`, { stage: method, reason: 'self call' });
    }
    return this.#c.host.request(to, method, body, { timeoutMs: this.#init.stageTimeoutMs });
  }

  async #log(
    request: CreditPenetrationRequest,
    outcome: 'answered' | 'refused' | 'failed',
    details: Record<string, string | null>,
  ) {
    try {
      await this.#c.store.appendQueryLog({
        caller: request.agency,
        kind: CREDIT_PENETRATION,
        outcome,
        details,
      });
    } catch (err) {
      this.#c.logger?.error({ err: (err as Error).message }, 'query log write failed');
    }
    this.#c.logger?.info({ ...details, agency: request.agency, outcome }, 'credit-penetration query');
  }

  #emit(
    queryId: string,
    role: QueryEvent['role'],
    stage: QueryStage,
    details: Record<string, string | number> = {},
  ): void {
    const listener = this.#c.onEvent;
    if (listener === undefined) return;
    try {
      listener({ queryId, role, stage, at: Date.now(), details });
    } catch (err) {
      this.#c.logger?.error({ err: (err as Error).message, queryId, stage }, 'query event listener failed');
    }
  }

  /** Waits for background sessions (participants) to finish. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.#background]);
  }
}
