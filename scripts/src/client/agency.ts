/**
 * The agency's side of a query: build the request, sign its authorisation (the "opened" audit
 * transaction, with the agency's ledger key and next nonce), send both to an entry gateway, and check the
 * answer's proof bundle against the ledger on its own (nothing is taken from the gateway on trust but the
 * MPC, whose transcripts every participant signed).
 */
import { Sm2Signer } from '@privgate/accel';
import { verifyProof } from '@privgate/circuits';
import {
  authorizeQuery,
  type BundleCheck,
  ContributionVerifier,
  type CreditPenetrationRequestInput,
  checkProofBundle,
  HttpLedgerClient,
  LedgerAccount,
  newRequestNonce,
  parseQueryRequest,
  type QueryAnswer,
  queryAnswerFromJson,
  queryIdOf,
} from '@privgate/gateway';
import { readKeyFile } from '@privgate/ledger';
import { type GatewayHttpClient, GatewayProblem } from './gateway-http.ts';

/** A query as the agency states it (the agency id and nonce are filled in). */
export type AgencyQuery = Omit<CreditPenetrationRequestInput, 'agency' | 'nonce'>;

/** What one query gave the agency. */
export interface AgencyResult {
  request: CreditPenetrationRequestInput;
  queryId: string;
  /** The signed authorisation as sent (hex). */
  authorization: string;
  answer: QueryAnswer;
  /** The agency's own check of the bundle against the ledger (absent when not asked for). */
  check?: BundleCheck;
  /** Wall time of the HTTP exchange, ms. */
  ms: number;
}

/** An agency: its ledger account over the validators' HTTP APIs. */
export class AgencyClient {
  readonly account: LedgerAccount;
  readonly ledger: HttpLedgerClient;
  readonly #verifier: ContributionVerifier;

  private constructor(account: LedgerAccount, ledger: HttpLedgerClient) {
    this.account = account;
    this.ledger = ledger;
    this.#verifier = new ContributionVerifier({ ledger, verify: verifyProof });
  }

  get id(): string {
    return this.account.id;
  }

  /**
   * Opens the agency's key file (sealed ones with `passphrase`) and connects to the validators.
   * @throws {LedgerNodeError} `KEY_FILE_*`; {LedgerClientError} `LEDGER_UNAVAILABLE`.
   */
  static async open(init: {
    keyFile: string;
    ledgerUrls: readonly string[];
    passphrase?: string;
    /** Default: the id in the key file. */
    orgId?: string;
  }): Promise<AgencyClient> {
    const keys = readKeyFile(init.keyFile, init.passphrase);
    const signer = new Sm2Signer(keys.sm2PrivateKey);
    keys.sm2PrivateKey.fill(0);
    const ledger = await HttpLedgerClient.connect({ urls: init.ledgerUrls });
    return new AgencyClient(new LedgerAccount(init.orgId ?? keys.id, signer, ledger), ledger);
  }

  /**
   * Signs the authorisation of a query without sending it.
   * @throws {QueryError} `QUERY_INVALID` for a malformed request.
   */
  async authorize(
    query: AgencyQuery,
  ): Promise<{ request: CreditPenetrationRequestInput; authorization: string }> {
    const request: CreditPenetrationRequestInput = { ...query, agency: this.id, nonce: newRequestNonce() };
    const tx = await authorizeQuery(request, this.account);
    return { request, authorization: Buffer.from(tx).toString('hex') };
  }

  /**
   * Runs a query through `gateway` and, with `verify`, checks the answer's bundle against the ledger.
   * @throws {GatewayProblem} the query's typed failure, its context naming the query id (`queryId`).
   */
  async ask(
    gateway: GatewayHttpClient,
    query: AgencyQuery,
    options: { verify?: boolean } = {},
  ): Promise<AgencyResult> {
    const { request, authorization } = await this.authorize(query);
    const queryId = Buffer.from(queryIdOf(parseQueryRequest(request))).toString('hex');
    const started = performance.now();
    let json: unknown;
    try {
      json = await gateway.submitQuery(request, authorization);
    } catch (err) {
      // A refused opening does not consume the nonce; a failed query did. Either way, ask the ledger next time.
      this.account.resync();
      // The agency knows its query id whatever the gateway said: name it, for the audit trail.
      if (err instanceof GatewayProblem && err.context.queryId === undefined)
        throw new GatewayProblem(err.code, err.detail, err.status, { ...err.context, queryId });
      throw err;
    }
    const ms = performance.now() - started;
    const answer = queryAnswerFromJson(json);
    if (answer.queryId !== queryId)
      throw new Error(`the gateway answered query ${answer.queryId}, not ${queryId}`);
    const result: AgencyResult = { request, queryId, authorization, answer, ms };
    if (options.verify ?? true) result.check = await this.check(answer);
    return result;
  }

  /**
   * The agency's own check of an answer against the ledger. The entry gateway waited for its "answered"
   * event on some validator; the one this client reads may be a block behind, so the check first waits
   * (up to `waitMs`) until the query's trail there is complete.
   */
  async check(answer: QueryAnswer, waitMs = 15_000): Promise<BundleCheck> {
    const queryId = Uint8Array.from(Buffer.from(answer.queryId, 'hex'));
    const end = Date.now() + waitMs;
    for (;;) {
      const trail = await this.ledger.auditTrail(queryId);
      if (trail.some((e) => e.kind !== 'opened') || Date.now() > end) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    return checkProofBundle(answer, { ledger: this.ledger, verifier: this.#verifier });
  }

  async close(): Promise<void> {
    await this.ledger.close();
  }
}
