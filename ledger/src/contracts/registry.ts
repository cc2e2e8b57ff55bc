/** The native contracts by kind, and parsing of a transaction down to its typed payload. */
import { decodeTx, malformed, type Tx, type TxKind, txKindName } from '../tx/codec.ts';
import { LedgerError } from '../tx/errors.ts';
import { datasetDirectory } from './dataset-directory.ts';
import { identityRegistry } from './identity-registry.ts';
import type { Contract } from './interface.ts';
import { nullifierRegistry } from './nullifier-registry.ts';
import { policyRegistry } from './policy-registry.ts';
import { proofSubmission } from './proof-submission.ts';
import { queryAuditLog } from './query-audit-log.ts';
import { vkeyRegistry } from './vkey-registry.ts';

/** Every native contract, by kind. */
export const CONTRACTS: ReadonlyMap<TxKind, Contract> = new Map<TxKind, Contract>(
  [
    identityRegistry,
    vkeyRegistry,
    policyRegistry,
    datasetDirectory,
    proofSubmission,
    queryAuditLog,
    nullifierRegistry,
  ].map((c) => [c.kind, c as Contract]),
);

/** A transaction with its contract and typed payload. */
export interface ParsedTx {
  readonly tx: Tx;
  readonly contract: Contract;
  readonly payload: unknown;
}

/**
 * Decodes a transaction and its payload (no signature or state check).
 * @throws {LedgerError} `TX_OVERSIZED`, `TX_MALFORMED`, `TX_UNSUPPORTED_VERSION`, `TX_WRONG_CHAIN`, `VKEY_MISMATCH`.
 */
export function parseTx(bytes: Uint8Array, chainId: string): ParsedTx {
  const tx = decodeTx(bytes, { chainId });
  const contract = CONTRACTS.get(tx.kind);
  if (contract === undefined)
    throw new LedgerError('TX_MALFORMED', `unknown transaction kind ${tx.kind}`, { kind: tx.kind });
  try {
    return { tx, contract, payload: contract.decode(tx.payload, tx) };
  } catch (err) {
    throw malformed(err, txKindName(tx.kind));
  }
}
