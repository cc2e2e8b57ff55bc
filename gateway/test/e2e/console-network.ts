/**
 * The consortium the console's browser tests drive: the four ministry gateways of the query tests, each a
 * real `startGateway` (HTTP API, libp2p host, the console at `/console`) in this process, sharing one
 * LocalLedger, one prover pool and one Poseidon pool. The synthetic economy is ingested and anchored
 * through the gateways' own HTTP API, and the validator grants the credit agency a verdict-only policy.
 * In-process gateways start in seconds; the multi-process consortium is the demo's (`scripts/src/demo`).
 */
import { join } from 'node:path';
import { CircuitProverPool, defaultPoseidon } from '@privgate/circuits';
import {
  type Disclosure,
  governancePayload,
  policyChangeBytes,
  signApproval,
  TxKind,
} from '@privgate/ledger';
import { PoseidonPool } from '../../src/commitments/index.ts';
import { LedgerAccount, type LocalLedger } from '../../src/ledger-client/index.ts';
import { QUERY_PROOF_CIRCUITS, type RunningGateway, startGateway } from '../../src/server/index.ts';
import {
  DATASET_HOLDERS,
  OWNERSHIP_DATASET,
  REGISTRY_DATASET,
  type SyntheticData,
  syntheticData,
  syntheticDeclarations,
  syntheticRows,
} from '../../src/synthetic/index.ts';
import {
  AGENCIES,
  CHAIN_ID,
  GATEWAYS,
  openTestLedger,
  tempDir,
  testSigner,
  VALIDATOR,
} from '../query/consortium.ts';
import { freePorts, gatewayConfig, OPERATOR_TOKEN } from '../server/fixtures.ts';

export { AGENCIES, CHAIN_ID, GATEWAYS, OPERATOR_TOKEN };

/** The policy the browser tests query under: verdicts only, over two metrics (few proofs, fast). */
export const VERDICT_POLICY = 'console-credit-verdict';
export const POLICY_DATASETS = ['customs.penalties', 'tax.arrears'] as const;
export const PURPOSE = 'credit assessment of a loan applicant and its related parties';

export interface ConsoleNetwork {
  dir: string;
  ledger: LocalLedger;
  data: SyntheticData;
  gateways: Record<keyof typeof GATEWAYS, RunningGateway>;
  close(): Promise<void>;
}

async function call(url: string, init: { method: string; body?: string; type?: string }): Promise<unknown> {
  const res = await fetch(url, {
    method: init.method,
    headers: {
      authorization: `Bearer ${OPERATOR_TOKEN}`,
      ...(init.type === undefined ? {} : { 'content-type': init.type }),
    },
    ...(init.body === undefined ? {} : { body: init.body }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method} ${url}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return text === '' ? undefined : JSON.parse(text);
}

/**
 * Starts the four gateways, ingests `enterprises` synthetic enterprises and grants the policy.
 * @param consoleDir the built console the gateways serve.
 */
export async function startConsoleNetwork(options: {
  enterprises: number;
  consoleDir: string;
}): Promise<ConsoleNetwork> {
  const dir = tempDir('console');
  const opened: { close(): Promise<void> }[] = [];
  try {
    const ledger = await openTestLedger(join(dir.path, 'ledger'));
    opened.push(ledger);
    const hasher = await defaultPoseidon();
    const poseidon = await PoseidonPool.create({ workers: 1 });
    opened.push(poseidon);
    const provers = await CircuitProverPool.create({ workers: 2, preload: QUERY_PROOF_CIRCUITS });
    opened.push(provers);

    const keys = Object.keys(GATEWAYS) as (keyof typeof GATEWAYS)[];
    const ports = await freePorts(keys.length);
    const urlOf = (i: number) => `http://127.0.0.1:${ports[i]}`;
    const gateways = {} as Record<keyof typeof GATEWAYS, RunningGateway>;
    for (const [i, key] of keys.entries()) {
      const org = GATEWAYS[key];
      const config = gatewayConfig(dir.path, org, {
        listen: { host: '127.0.0.1', port: ports[i] },
        peers: keys.flatMap((k, j) => (j === i ? [] : [{ orgId: GATEWAYS[k], url: urlOf(j) }])),
        ownershipDataset: OWNERSHIP_DATASET,
        ...(key === 'market' ? { resolver: { ownedField: 'owned', registryDataset: REGISTRY_DATASET } } : {}),
        consoleDir: options.consoleDir,
        // Generous: on a busy 2-core machine a cold prover pool takes tens of seconds per stage.
        timeouts: { stageMs: 240_000, mpcRoundMs: 120_000 },
      });
      const gateway = await startGateway(config, { ledger, provers, poseidon, hasher });
      gateways[key] = gateway;
      opened.push(gateway); // closed first: the shared ledger and pools outlive the gateways
    }

    // The economy, through each holder's HTTP API: declare, upload JSON lines, commit and anchor.
    const data = syntheticData(options.enterprises);
    const declarations = syntheticDeclarations();
    for (const [dataset, holder] of Object.entries(DATASET_HOLDERS)) {
      const base = gateways[holder].url;
      await call(`${base}/v1/datasets`, {
        method: 'POST',
        type: 'application/json',
        body: JSON.stringify(declarations[dataset]),
      });
      const lines = [...syntheticRows(data, dataset)].map((r) => JSON.stringify(r)).join('\n');
      await call(`${base}/v1/datasets/${encodeURIComponent(dataset)}/records`, {
        method: 'POST',
        type: 'application/x-ndjson',
        body: `${lines}\n`,
      });
      await call(`${base}/v1/datasets/${encodeURIComponent(dataset)}/commit`, { method: 'POST' });
    }

    // The validator grants the credit agency verdicts over two metrics.
    const validator = new LedgerAccount(VALIDATOR, testSigner(VALIDATOR), ledger);
    const change = policyChangeBytes(CHAIN_ID, 0, {
      policyId: VERDICT_POLICY,
      agency: AGENCIES.credit,
      queryKind: 'credit-penetration',
      datasets: [...POLICY_DATASETS],
      purpose: PURPOSE,
      disclosure: 2 as Disclosure,
      maxQueries: 1000,
      windowMs: 60_000,
      enabled: true,
    });
    await validator.submit(
      TxKind.policySet,
      governancePayload(change, [
        { orgId: VALIDATOR, signature: signApproval(change, testSigner(VALIDATOR)) },
      ]),
    );

    await Promise.all(Object.values(gateways).map((g) => g.waitForPeers(undefined, 60_000)));
    return {
      dir: dir.path,
      ledger,
      data,
      gateways,
      async close() {
        for (const r of opened.reverse()) await r.close().catch(() => undefined);
        dir.remove();
      },
    };
  } catch (err) {
    for (const r of opened.reverse()) await r.close().catch(() => undefined);
    dir.remove();
    throw err;
  }
}
