/**
 * Policy registry: which agency may run which query kind over which datasets, for which purpose, with
 * which disclosure (an aggregate figure or a yes/no verdict) and at what rate.
 *
 *   payload = governance [change, approvals] (`governance.ts`), body =
 *     [policyId, agency, queryKind, datasets, purpose, disclosure, maxQueries, windowMs, enabled]
 *       datasets    ascending identifiers, 1..32, each already anchored
 *       disclosure  1 aggregate, 2 verdict
 *       maxQueries  ≥ 1 queries per window;  windowMs ≥ 1000, windows aligned on block time
 *       enabled     0 / 1 (a policy is revoked by setting it disabled; its version keeps counting)
 *
 * Who may set it: the owner of every dataset it names (before and after the change) on its own, with no
 * approvals; anyone else needs a quorum of validator approvals.
 */
import { type CborValue, readInt } from '../codec/canonical.ts';
import { TxKind } from '../tx/codec.ts';
import { LedgerError } from '../tx/errors.ts';
import { readFreeText, readIdentifier, readIdentifierSet, readUint } from '../tx/readers.ts';
import {
  approvalClaims,
  decodeGovernance,
  type GovernanceChange,
  governanceChangeBytes,
  requireQuorum,
  requireVersion,
} from './governance.ts';
import type { Contract } from './interface.ts';
import {
  type Disclosure,
  encodePolicy,
  encodeValue,
  governanceKey,
  MAX_POLICY_DATASETS,
  MAX_PURPOSE_BYTES,
  type PolicyRecord,
  policyKey,
  readDatasetHead,
  readPolicy,
} from './tables.ts';

/** A policy as requested (its version is set by the registry). */
export type PolicyRequest = Omit<PolicyRecord, 'version'>;

interface PolicyPayload {
  readonly gov: GovernanceChange;
  readonly policy: PolicyRequest;
}

/** The change bytes of a policy change (policy currently at `targetVersion`). */
export function policyChangeBytes(chainId: string, targetVersion: number, p: PolicyRequest): Uint8Array {
  const body: CborValue[] = [
    p.policyId,
    p.agency,
    p.queryKind,
    [...p.datasets].sort(),
    p.purpose,
    p.disclosure,
    p.maxQueries,
    p.windowMs,
    p.enabled ? 1 : 0,
  ];
  return governanceChangeBytes(chainId, TxKind.policySet, targetVersion, body);
}

/** The policy registry contract. */
export const policyRegistry: Contract<PolicyPayload> = {
  kind: TxKind.policySet,

  decode(payload, tx) {
    const gov = decodeGovernance(payload, tx, 9);
    const b = gov.body;
    const maxQueries = readUint(b[6], 'policy.maxQueries');
    const windowMs = readUint(b[7], 'policy.windowMs');
    if (maxQueries < 1 || windowMs < 1000)
      throw new LedgerError('TX_MALFORMED', 'policy: maxQueries ≥ 1 and windowMs ≥ 1000');
    return {
      gov,
      policy: {
        policyId: readIdentifier(b[0], 'policy.policyId'),
        agency: readIdentifier(b[1], 'policy.agency'),
        queryKind: readIdentifier(b[2], 'policy.queryKind'),
        datasets: readIdentifierSet(b[3], MAX_POLICY_DATASETS, 'policy.datasets'),
        purpose: readFreeText(b[4], MAX_PURPOSE_BYTES, 'policy.purpose'),
        disclosure: readInt(b[5], 1, 2, 'policy.disclosure') as Disclosure,
        maxQueries,
        windowMs,
        enabled: readInt(b[8], 0, 1, 'policy.enabled') === 1,
      },
    };
  },

  approvals: (p) => approvalClaims(p.gov),

  async apply(ctx, { gov, policy }) {
    const current = await readPolicy(ctx.state, policy.policyId);
    requireVersion(gov, current?.version ?? 0, `policy ${policy.policyId}`);
    if (!(await ctx.identity.hasRole(policy.agency, 'agency'))) {
      throw new LedgerError('POLICY_INVALID', `${policy.agency} is not a registered agency`, {
        agency: policy.agency,
      });
    }
    const names = new Set([...policy.datasets, ...(current?.datasets ?? [])]);
    let ownsAll = true;
    for (const dataset of names) {
      const head = await readDatasetHead(ctx.state, dataset);
      if (head === undefined && policy.datasets.includes(dataset)) {
        throw new LedgerError('DATASET_UNKNOWN', `dataset ${dataset} is not anchored`, { dataset });
      }
      if (head?.owner !== ctx.sender.id) ownsAll = false;
    }
    let approvers: string[] = [];
    if (!ownsAll) {
      if (gov.approvals.length === 0) {
        throw new LedgerError('TX_FORBIDDEN', `${ctx.sender.id} does not own every dataset of the policy`, {
          sender: ctx.sender.id,
        });
      }
      approvers = await requireQuorum(ctx, gov);
    }
    const version = gov.targetVersion + 1;
    ctx.state.put(policyKey(policy.policyId), encodePolicy({ ...policy, version }));
    ctx.state.append(
      governanceKey(ctx.tx.id),
      encodeValue([ctx.tx.kind, policy.policyId, version, approvers]),
    );
  },
};
