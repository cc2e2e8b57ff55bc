/**
 * An in-process consortium of four gateways (market regulation, taxation, customs, state bank) for query
 * tests and the query benchmark: separate SQLite stores and commitment directories, real libp2p hosts on
 * 127.0.0.1, one shared LocalLedger, one shared prover pool (kept warm across queries) and Poseidon pool,
 * deterministic synthetic data committed and anchored, and the policies the tests need.
 * Each gateway has a `faults` hook for fault drills (contribution tampering, outbound frame filtering).
 */
import { join } from 'node:path';
import { CircuitProverPool, defaultPoseidon, type PoseidonHasher } from '@privgate/circuits';
import {
  type Disclosure,
  governancePayload,
  newPeerKey,
  policyChangeBytes,
  signApproval,
  TxKind,
} from '@privgate/ledger';
import { DatasetCommitments, PoseidonPool } from '../../src/commitments/index.ts';
import {
  type ContributionBuilder,
  ContributionVerifier,
  type HolderContribution,
  ProvingContributions,
} from '../../src/contribution/index.ts';
import { declareDataset } from '../../src/datasets/index.ts';
import { LedgerAccount, type LedgerClient, type LocalLedger } from '../../src/ledger-client/index.ts';
import {
  type GatewayHost,
  PeerDirectory,
  SessionTransports,
  signPeerBinding,
  startGatewayHost,
} from '../../src/mpc-transport/index.ts';
import {
  authorizeQuery,
  type CreditPenetrationRequestInput,
  newRequestNonce,
  QueryGateway,
} from '../../src/query/index.ts';
import { openSqliteStore, type SqliteStore } from '../../src/store/index.ts';
import {
  AGENCIES,
  CHAIN_ID,
  GATEWAYS,
  openTestLedger,
  QUERY_CIRCUITS,
  tempDir,
  testSigner,
  VALIDATOR,
} from './consortium.ts';
import { loadMetricDataset, loadOwnershipDataset, type SyntheticData, syntheticData } from './synthetic.ts';

export const OWNERSHIP = 'market.ownership';
export const REGISTRY = 'market.enterprises';
export const METRIC_HOLDERS: Record<string, string> = {
  'tax.arrears': GATEWAYS.tax,
  'customs.penalties': GATEWAYS.customs,
  'bank.loans': GATEWAYS.bank,
  'fx.violations': GATEWAYS.bank,
};
export const PURPOSE = 'credit assessment of a loan applicant and its related parties';
export const POLICY_AGGREGATE = 'credit-penetration-aggregate';
export const POLICY_VERDICT = 'credit-penetration-verdict';
/** TEST ONLY: the consortium's subject key. */
export const SUBJECT_KEY = new Uint8Array(32).fill(0x5a);

/** Fault drills a test can switch on for one gateway. */
export interface Faults {
  contribution?: (built: HolderContribution) => HolderContribution;
  intercept?: (to: string, frame: Uint8Array) => Uint8Array | undefined;
}

export interface TestGateway {
  org: string;
  store: SqliteStore;
  host: GatewayHost;
  directory: PeerDirectory;
  sessions: SessionTransports;
  commitments: DatasetCommitments;
  query: QueryGateway;
  faults: Faults;
  /** Every MPC frame this gateway sent, with its receiver. */
  sent: { to: string; frame: Uint8Array }[];
}

export interface TestNetwork {
  ledger: LocalLedger;
  data: SyntheticData;
  gateways: Record<keyof typeof GATEWAYS, TestGateway>;
  agencies: Record<keyof typeof AGENCIES, LedgerAccount>;
  provers: CircuitProverPool;
  hasher: PoseidonHasher;
  /** Runs a query at `entry` on behalf of `agency`, authorising it with the agency's key. */
  ask(
    entry: TestGateway,
    agency: LedgerAccount,
    request: Omit<CreditPenetrationRequestInput, 'nonce' | 'agency'>,
  ): ReturnType<QueryGateway['run']>;
  close(): Promise<void>;
}

export interface TestNetworkOptions {
  enterprises: number;
  mpcRoundTimeoutMs?: number;
  stageTimeoutMs?: number;
  proverWorkers?: number;
  /** The ledger a gateway's query service reads and writes through (default: the shared LocalLedger). */
  ledgerView?: (org: string, ledger: LocalLedger) => LedgerClient;
}

export async function startTestNetwork(options: TestNetworkOptions): Promise<TestNetwork> {
  const dir = tempDir('query');
  const ledger = await openTestLedger(join(dir.path, 'ledger'));
  const hasher = await defaultPoseidon();
  const poseidon = await PoseidonPool.create({ workers: 1 });
  const provers = await CircuitProverPool.create({
    workers: options.proverWorkers ?? 2,
    preload: QUERY_CIRCUITS,
  });
  const data = syntheticData(options.enterprises);
  const verify = (
    c: Parameters<CircuitProverPool['verify']>[0],
    p: Parameters<CircuitProverPool['verify']>[1],
    s: readonly string[],
  ) => provers.verify(c, p, s);

  const gateways = {} as Record<keyof typeof GATEWAYS, TestGateway>;
  for (const [key, org] of Object.entries(GATEWAYS) as [keyof typeof GATEWAYS, string][]) {
    const store = await openSqliteStore({ path: join(dir.path, `${key}.sqlite`) });
    const account = new LedgerAccount(org, testSigner(org), options.ledgerView?.(org, ledger) ?? ledger);
    const commitments = new DatasetCommitments(
      { dir: join(dir.path, `${key}-commitments`), subjectKey: SUBJECT_KEY },
      { store, account, pool: poseidon, hasher },
    );
    const directory = new PeerDirectory(ledger);
    const { peerKey } = await newPeerKey();
    const host = await startGatewayHost(
      { self: org, peerKey, listen: ['/ip4/127.0.0.1/tcp/0'] },
      { directory },
    );
    const faults: Faults = {};
    const sent: TestGateway['sent'] = [];
    const sessions = new SessionTransports(host, {
      intercept: (to, frame) => {
        sent.push({ to, frame });
        return faults.intercept ? faults.intercept(to, frame) : frame;
      },
    });
    const proving = new ProvingContributions({ commitments, prover: provers, hasher });
    const contributions: ContributionBuilder = {
      build: async (request) => {
        const built = await proving.build(request);
        return faults.contribution ? faults.contribution(built) : built;
      },
    };
    const query = new QueryGateway(
      {
        ownershipDataset: OWNERSHIP,
        ...(org === GATEWAYS.market ? { resolver: { ownedField: 'owned', registryDataset: REGISTRY } } : {}),
        mpcRoundTimeoutMs: options.mpcRoundTimeoutMs ?? 20_000,
        stageTimeoutMs: options.stageTimeoutMs ?? 60_000,
      },
      {
        account,
        host,
        directory,
        sessions,
        verifier: new ContributionVerifier({ ledger, verify }),
        hasher,
        store,
        commitments,
        contributions,
      },
    );
    gateways[key] = { org, store, host, directory, sessions, commitments, query, faults, sent };
  }

  // Peer bindings: every gateway vouches for its own peer id; everyone else checks it on the ledger.
  const all = Object.values(gateways);
  for (const g of all) {
    const binding = signPeerBinding(
      CHAIN_ID,
      { orgId: g.org, peerId: g.host.peerId, addrs: g.host.addrs() },
      testSigner(g.org),
    );
    for (const other of all) if (other !== g) await other.directory.add(binding);
  }

  // Data: the market registry and ownership graph, and one metric dataset per ministry; all anchored.
  await declareDataset(gateways.market.store, {
    name: REGISTRY,
    subject: 'enterprise',
    fields: [
      { name: 'enterprise', type: 'uscc' },
      { name: 'registered_capital', type: 'int64', unit: 'CNY' },
    ],
  });
  const session = await gateways.market.store.beginRecordImport(REGISTRY);
  await session.append(
    data.enterprises.map((e, i) => ({
      subjectId: e,
      values: { registered_capital: String(1_000_000 + i) },
      salt: new Uint8Array(31).fill(i % 251),
    })),
  );
  await session.commit();
  await loadOwnershipDataset(gateways.market.store, OWNERSHIP, data.edges);
  for (const [dataset, org] of Object.entries(METRIC_HOLDERS)) {
    const g = all.find((x) => x.org === org)!;
    await loadMetricDataset(g.store, dataset, data.metrics[dataset]!);
  }
  await gateways.market.commitments.commit(REGISTRY);
  await gateways.market.commitments.commit(OWNERSHIP);
  for (const [dataset, org] of Object.entries(METRIC_HOLDERS)) {
    await all.find((x) => x.org === org)!.commitments.commit(dataset);
  }

  // Policies: the credit agency may see aggregates under one policy, only verdicts under another.
  const validator = new LedgerAccount(VALIDATOR, testSigner(VALIDATOR), ledger);
  const datasets = Object.keys(METRIC_HOLDERS).sort();
  for (const [policyId, disclosure] of [
    [POLICY_AGGREGATE, 1],
    [POLICY_VERDICT, 2],
  ] as const) {
    const policy = {
      policyId,
      agency: AGENCIES.credit,
      queryKind: 'credit-penetration',
      datasets,
      purpose: PURPOSE,
      disclosure: disclosure as Disclosure,
      maxQueries: 100_000,
      windowMs: 60_000,
      enabled: true,
    };
    const change = policyChangeBytes(CHAIN_ID, 0, policy);
    await validator.submit(
      TxKind.policySet,
      governancePayload(change, [
        { orgId: VALIDATOR, signature: signApproval(change, testSigner(VALIDATOR)) },
      ]),
    );
  }

  const agencies = {
    credit: new LedgerAccount(AGENCIES.credit, testSigner(AGENCIES.credit), ledger),
    rogue: new LedgerAccount(AGENCIES.rogue, testSigner(AGENCIES.rogue), ledger),
  };

  return {
    ledger,
    data,
    gateways,
    agencies,
    provers,
    hasher,
    async ask(entry, agency, request) {
      const full = { ...request, agency: agency.id, nonce: newRequestNonce() };
      const openTx = await authorizeQuery(full, agency);
      try {
        return await entry.query.run(full, openTx);
      } catch (err) {
        if (
          (err as { code?: string }).code === 'QUERY_UNAUTHORISED' &&
          (err as { context?: { ledgerCode?: string } }).context?.ledgerCode
        ) {
          agency.resync(); // the refused opening did not consume its nonce
        }
        throw err;
      }
    },
    async close() {
      for (const g of all) await g.query.drain();
      for (const g of all) {
        g.sessions.close();
        await g.host.stop();
        await g.store.close();
      }
      await provers.close();
      await poseidon.close();
      await ledger.close();
      dir.remove();
    },
  };
}
