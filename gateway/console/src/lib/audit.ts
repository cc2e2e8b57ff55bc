/**
 * The auditor's check of a query, in the browser: the gateway's `verifyQueryFromLedger` (every named
 * check: the opening and its policy, the answer and its record, the resolver's attestation, every
 * party's transcript signature, every proof transaction, its anchored root) over the ledger as the
 * gateway's ledger routes show it, with each Groth16 proof verified here by snarkjs's browser build
 * against the circuit's committed key that the console carries (whose SM3 the ledger registers).
 */
import type { CircuitName } from '@privgate/circuits';
import * as snarkjs from 'snarkjs';
import type { LedgerClient } from '../../../src/ledger-client/interface.ts';
import type { QueryAuditReport } from '../../../src/query/audit-report.ts';
import { verifyQueryFromLedger } from '../../../src/query/audit-verify.ts';
import { committedVkeyText } from '../platform/proof-verifier.ts';

/** How the proofs of an audit went. */
export interface ProofTally {
  verified: number;
  failed: number;
  /** Wall time of the snarkjs verifications, summed, ms. */
  ms: number;
}

/** A finished audit: the report and what it cost. */
export interface BrowserAudit {
  report: QueryAuditReport;
  proofs: ProofTally;
  /** Wall time of the whole audit, ms. */
  ms: number;
}

const vkeys = new Map<string, Record<string, unknown>>();

function vkeyOf(circuit: CircuitName): Record<string, unknown> {
  let key = vkeys.get(circuit);
  if (key === undefined) {
    const text = committedVkeyText(circuit);
    if (text === undefined) throw new Error(`the console does not carry the key of ${circuit}`);
    key = JSON.parse(text) as Record<string, unknown>;
    vkeys.set(circuit, key);
  }
  return key;
}

/**
 * Audits a query from the ledger in this browser.
 * @param onProof called after each proof is verified (for a progress display).
 * @throws {AuditError} `AUDIT_QUERY_UNKNOWN`; {LedgerClientError} `LEDGER_UNAVAILABLE`.
 */
export async function auditQueryInBrowser(
  ledger: LedgerClient,
  queryId: string,
  onProof?: (tally: ProofTally) => void,
): Promise<BrowserAudit> {
  const tally: ProofTally = { verified: 0, failed: 0, ms: 0 };
  const t0 = performance.now();
  const report = await verifyQueryFromLedger(ledger, queryId, {
    verify: async (circuit, proof, publicSignals) => {
      const t = performance.now();
      const ok = await snarkjs.groth16.verify(
        vkeyOf(circuit),
        publicSignals,
        proof as unknown as Record<string, unknown>,
      );
      tally.ms += performance.now() - t;
      if (ok) tally.verified++;
      else tally.failed++;
      onProof?.({ ...tally });
      return ok;
    },
  });
  return { report, proofs: tally, ms: performance.now() - t0 };
}
