// An agency's credit-penetration request: what the ledger sees of it (its public form) and its query id.
import { parseQueryRequest, publicRequestOf, queryIdOf } from '@privgate/gateway';

export function describeRequest(nonce: string) {
  const request = parseQueryRequest({
    agency: 'agency-credit',
    policyId: 'credit-penetration-2025',
    subject: '91110000600037341L', // unified social credit code (GB 32100) of the enterprise
    depth: 1, // the enterprise and its direct owners and holdings
    metrics: [{ dataset: 'tax.arrears' }, { dataset: 'customs.penalties', weight: '2' }],
    disclosure: { mode: 'verdict', threshold: '1000000' }, // learn only: Σ ≥ 1,000,000?
    purpose: 'loan review',
    nonce, // 16 random bytes in hex: newRequestNonce()
  });
  const publicForm = publicRequestOf(request); // the subject is replaced by a salted SM3 commitment
  const queryId = Buffer.from(queryIdOf(request)).toString('hex');
  return { publicForm, queryId };
}
