/**
 * The demo's consortium ledger: a genesis with four validators, the four ministries' gateways, two
 * agencies (one that will be granted policies, one that will not) and an auditor, with the circuits'
 * verification keys registered; fresh random keys written 0600; validators started as separate processes
 * (`privgate ledger start`); and the policies granted by a quorum of validators (governance).
 */

import { join } from 'node:path';
import { Sm2Signer } from '@privgate/accel';
import { artifactManifest, type CircuitName, readArtifact } from '@privgate/circuits';
import { type HttpLedgerClient, LedgerAccount } from '@privgate/gateway';
import {
  createLocalNetwork,
  DEFAULT_CHAIN_PARAMS,
  governancePayload,
  type LedgerGenesis,
  type LocalNetwork,
  type LocalOrg,
  localPaths,
  type PolicyRecord,
  policyChangeBytes,
  signApproval,
  TxKind,
  writeLocalNetwork,
} from '@privgate/ledger';
import { CLI_ENTRY, type Supervisor, tsEntryArgs, waitFor } from './processes.ts';

/** The organisations of the demo consortium besides the validators. */
export const DEMO_ORGS = {
  gateways: {
    market: { id: 'gw.market', name: 'State Administration for Market Regulation' },
    tax: { id: 'gw.taxation', name: 'State Taxation Administration' },
    customs: { id: 'gw.customs', name: 'General Administration of Customs' },
    bank: { id: 'gw.state-bank', name: 'State Bank' },
  },
  /** The agency the policies are granted to. */
  agency: { id: 'agency.credit', name: 'Credit Reference Center' },
  /** An agency with no policy: its queries are refused by the ledger. */
  otherAgency: { id: 'agency.marketing', name: 'Marketing Bureau' },
  auditor: { id: 'auditor.nao', name: 'National Audit Office' },
} as const;

export const POLICY_AGGREGATE = 'credit-penetration-aggregate';
export const POLICY_VERDICT = 'credit-penetration-verdict';
export const QUERY_PURPOSE = 'credit assessment of a loan applicant and its related parties';

/** Port offsets from the base port: validators' p2p and HTTP (as `createLocalNetwork` lays them out). */
export const validatorPortOffsets = (n: number): number[] =>
  Array.from({ length: n }, (_, i) => [i + 1, 101 + i]).flat();

function demoOrgs(): LocalOrg[] {
  return [
    ...Object.values(DEMO_ORGS.gateways).map((g) => ({
      id: g.id,
      roles: ['gateway' as const],
      name: g.name,
    })),
    { id: DEMO_ORGS.agency.id, roles: ['agency'], name: DEMO_ORGS.agency.name },
    { id: DEMO_ORGS.otherAgency.id, roles: ['agency'], name: DEMO_ORGS.otherAgency.name },
    { id: DEMO_ORGS.auditor.id, roles: ['auditor'], name: DEMO_ORGS.auditor.name },
  ];
}

/** The circuits whose verification keys genesis registers: every circuit with built artifacts. */
export async function demoVkeys(): Promise<{ circuit: string; vkey: Uint8Array }[]> {
  const manifest = await artifactManifest();
  const circuits = Object.keys(manifest.circuits).sort() as CircuitName[];
  return Promise.all(
    circuits.map(async (circuit) => ({ circuit, vkey: await readArtifact(circuit, 'vkey') })),
  );
}

/** A written ledger network. */
export interface DemoLedger {
  /** The network directory (genesis.json, validator dirs, orgs/*.key.json). */
  dir: string;
  network: LocalNetwork;
  genesis: LedgerGenesis;
  validatorIds: string[];
  /** Validators' HTTP API URLs, in id order. */
  urls: string[];
  /** Path of an organisation's key file. */
  orgKeyFile(orgId: string): string;
}

/**
 * Creates the genesis and fresh keys (0600) of a 4-validator network in `dir`, validators on
 * `basePort + 1..4` (p2p) and `basePort + 101..104` (HTTP).
 */
export async function initDemoLedger(
  dir: string,
  options: { basePort: number; validators?: number; chainId?: string },
): Promise<DemoLedger> {
  const base = DEFAULT_CHAIN_PARAMS;
  const network = await createLocalNetwork({
    validators: options.validators ?? 4,
    basePort: options.basePort,
    host: '127.0.0.1',
    chainId: options.chainId ?? 'privgate-demo',
    orgs: demoOrgs(),
    vkeys: await demoVkeys(),
    // A quick local network: short timeouts on 127.0.0.1, and an empty block at most every second.
    params: {
      consensus: {
        ...base.consensus,
        timeouts: {
          propose: { baseMs: 1500, deltaMs: 750 },
          prevote: { baseMs: 500, deltaMs: 250 },
          precommit: { baseMs: 500, deltaMs: 250 },
        },
      },
      block: { ...base.block, emptyBlockIntervalMs: 1000 },
    },
  });
  writeLocalNetwork(dir, network);
  return {
    dir,
    network,
    genesis: network.genesis,
    validatorIds: network.genesis.validators.map((v) => v.id),
    urls: network.genesis.validators.map((v) => v.http),
    orgKeyFile: (orgId) => localPaths.orgKey(dir, orgId),
  };
}

/** Starts every validator as its own process (`privgate ledger start`), logs in `<dir>/logs/`. */
export function startValidators(supervisor: Supervisor, ledger: DemoLedger, logDir: string): void {
  for (const id of ledger.validatorIds) {
    supervisor.start({
      name: id,
      args: tsEntryArgs(CLI_ENTRY, ['ledger', 'start', '--dir', ledger.dir, '--id', id, '--no-fsync']),
      logPath: join(logDir, `${id}.log`),
    });
  }
}

/** Waits until every validator answers `/v1/status` at a height of at least `height`. */
export async function waitForValidators(ledger: DemoLedger, height = 1, ms = 60_000): Promise<number[]> {
  return waitFor(
    async () => {
      const heights = await Promise.all(
        ledger.urls.map(async (url) => {
          try {
            const res = await fetch(`${url}/v1/status`, { signal: AbortSignal.timeout(2000) });
            if (!res.ok) return -1;
            return ((await res.json()) as { height: number }).height;
          } catch {
            return -1;
          }
        }),
      );
      return heights.every((h) => h >= height) ? heights : undefined;
    },
    ms,
    'validators committing',
    200,
  );
}

/** A ledger account of a genesis organisation or validator, signing with its key file. */
export function demoAccount(ledger: DemoLedger, client: HttpLedgerClient, id: string): LedgerAccount {
  const validator = ledger.network.validators.find((v) => v.id === id);
  const org = ledger.network.orgs.find((o) => o.id === id);
  const key = validator?.sm2PrivateKey ?? org?.sm2PrivateKey;
  if (key === undefined) throw new Error(`no key for ${id}`);
  return new LedgerAccount(id, new Sm2Signer(key), client);
}

/**
 * Grants the credit agency two policies over the metric datasets (which must be anchored): the aggregate
 * under one, only the verdict under the other. A quorum of validators approves (here: all of them);
 * the first validator submits.
 */
export async function grantDemoPolicies(
  ledger: DemoLedger,
  client: HttpLedgerClient,
  datasets: readonly string[],
): Promise<void> {
  const submitter = demoAccount(ledger, client, ledger.validatorIds[0]!);
  for (const [policyId, disclosure] of [
    [POLICY_AGGREGATE, 1],
    [POLICY_VERDICT, 2],
  ] as const) {
    const current = await client.policy(policyId);
    const policy: Omit<PolicyRecord, 'version'> = {
      policyId,
      agency: DEMO_ORGS.agency.id,
      queryKind: 'credit-penetration',
      datasets: [...datasets].sort(),
      purpose: QUERY_PURPOSE,
      disclosure,
      maxQueries: 10_000,
      windowMs: 3_600_000,
      enabled: true,
    };
    const change = policyChangeBytes(client.chainId, current?.version ?? 0, policy);
    const approvals = ledger.network.validators.map((v) => ({
      orgId: v.id,
      signature: signApproval(change, new Sm2Signer(v.sm2PrivateKey)),
    }));
    await submitter.submit(TxKind.policySet, governancePayload(change, approvals));
  }
}
