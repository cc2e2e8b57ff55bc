/**
 * What a gateway needs from the consortium ledger: submit a signed transaction and wait until it is
 * committed, and read the registries (identities and keys, dataset versions, policies, verification keys)
 * and the query audit log. `LocalLedger` implements it in-process for development and tests; the
 * multi-validator node's HTTP API (`POST /v1/tx`, `GET /v1/tx/:id`, state queries) maps onto the same
 * methods one to one, so an HTTP client can replace it without touching callers.
 */
import type { DatasetHead, DatasetVersion, PolicyRecord, Role, VkeyRecord } from '@privgate/ledger';

/** A committed transaction: where it is and when. */
export interface CommittedTx {
  /** SM3 of the transaction bytes. */
  id: Uint8Array;
  /** Lower-case hex of `id`. */
  idHex: string;
  height: number;
  /** Position in its block. */
  index: number;
  /** The block's timestamp (ms since the epoch). */
  blockTime: number;
}

/** An organisation as the identity registry holds it. */
export interface LedgerIdentity {
  id: string;
  /** SEC1 uncompressed SM2 public key; null for a removed organisation. */
  publicKey: Uint8Array | null;
  roles: readonly Role[];
  name: string | null;
  version: number;
}

/** Disclosure of a policy or an opened query. */
export type DisclosureMode = 'aggregate' | 'verdict';

/**
 * One event of a query's audit trail, in ledger order. `txId` names the transaction that wrote the event
 * (so its signature can be checked); an answer's `record` is the query record's canonical JSON bytes. Both
 * are absent for events a ledger stored before it kept them.
 */
export type AuditEvent =
  | {
      kind: 'opened';
      requester: string;
      policyId: string;
      queryKind: string;
      datasets: string[];
      purpose: string;
      disclosure: DisclosureMode;
      height: number;
      timestamp: number;
      txId?: Uint8Array;
    }
  | {
      kind: 'answered';
      gateway: string;
      resultCommitment: Uint8Array;
      proofIds: Uint8Array[];
      height: number;
      timestamp: number;
      txId?: Uint8Array;
      record?: Uint8Array;
    }
  | {
      kind: 'failed';
      gateway: string;
      reason: string;
      height: number;
      timestamp: number;
      txId?: Uint8Array;
    };

/** The gateway's view of the ledger. */
export interface LedgerClient {
  readonly chainId: string;
  /**
   * Submits a signed transaction and resolves once it is committed.
   * @throws {LedgerClientError} `LEDGER_TX_REJECTED` with the ledger's code, `LEDGER_TIMEOUT`,
   *   `LEDGER_UNAVAILABLE`.
   */
  submit(tx: Uint8Array): Promise<CommittedTx>;
  /** The last committed nonce of a sender (0 if it never sent). */
  lastNonce(orgId: string): Promise<number>;
  /** The organisation's record, removed ones included; undefined if never registered. */
  identity(orgId: string): Promise<LedgerIdentity | undefined>;
  datasetHead(dataset: string): Promise<DatasetHead | undefined>;
  datasetVersion(dataset: string, version: number): Promise<DatasetVersion | undefined>;
  policy(policyId: string): Promise<PolicyRecord | undefined>;
  /** The verification key registered for a circuit (its SM3 hash and version). */
  vkey(circuit: string): Promise<VkeyRecord | undefined>;
  /** The audit trail of a query: [] if never opened, [opened] while open, [opened, answered | failed]. */
  auditTrail(queryId: Uint8Array): Promise<AuditEvent[]>;
  /** A committed transaction's bytes and position. */
  transaction(id: Uint8Array): Promise<{ height: number; index: number; bytes: Uint8Array } | undefined>;
  /** Releases the client (a local ledger closes its store). */
  close(): Promise<void>;
}
