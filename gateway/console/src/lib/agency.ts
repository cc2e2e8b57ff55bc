/**
 * The agency's side of a query, in the browser: the request is validated and its authorisation signed
 * with the project's own code (`authorizeQuery` → `LedgerAccount.sign` → the ledger's `signTx` with the
 * accelerator's SM2 signer), the nonce read from the ledger through the gateway. The entry gateway only
 * ever sees the signed transaction; the key never leaves the page.
 */
import { toHex } from '@privgate/ledger';
import { LedgerAccount } from '../../../src/ledger-client/account.ts';
import type { LedgerClient } from '../../../src/ledger-client/interface.ts';
import {
  authorizeQuery,
  type CreditPenetrationRequest,
  type CreditPenetrationRequestInput,
  newRequestNonce,
  parseQueryRequest,
  queryIdOf,
} from '../../../src/query/request.ts';
import type { LoadedKey } from './key-file.ts';

/** A query as the form states it (the agency and nonce are filled in when it is signed). */
export type AgencyQuery = Omit<CreditPenetrationRequestInput, 'agency' | 'nonce'>;

/** A signed query, ready for `POST /v1/queries`. */
export interface SignedQuery {
  request: CreditPenetrationRequest;
  queryId: string;
  /** The signed "opened" audit transaction, hex. */
  authorization: string;
}

/** An agency key in use: its ledger account (nonces) over the gateway's ledger routes. */
export class AgencySession {
  readonly key: LoadedKey;
  readonly account: LedgerAccount;

  constructor(key: LoadedKey, ledger: LedgerClient) {
    this.key = key;
    this.account = new LedgerAccount(key.id, key.signer, ledger);
  }

  get id(): string {
    return this.key.id;
  }

  /**
   * Validates the query and signs its authorisation with the next nonce.
   * @throws {QueryError} `QUERY_INVALID` naming the first problem of the request.
   * @throws {LedgerClientError} `LEDGER_UNAVAILABLE` when the nonce cannot be read.
   */
  async sign(query: AgencyQuery): Promise<SignedQuery> {
    const request = parseQueryRequest({ ...query, agency: this.id, nonce: newRequestNonce() });
    const tx = await authorizeQuery(request, this.account);
    return { request, queryId: toHex(queryIdOf(request)), authorization: toHex(tx) };
  }

  /** After a query that did not open on the ledger: the next signature re-reads the nonce. */
  resync(): void {
    this.account.resync();
  }
}
