/**
 * A gateway whose configuration names validators' HTTP APIs (`ledger.urls`): `startGateway` connects its
 * own HttpLedgerClient, checks its identity on the consortium ledger, reports the ledger in its status,
 * and anchors a dataset commitment through consensus.
 */
import { CircuitProverPool } from '@privgate/circuits';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PoseidonPool } from '../../src/commitments/index.ts';
import { GatewayStatusSchema, type RunningGateway, startGateway } from '../../src/server/index.ts';
import { startValidators, type Validators } from '../ledger-client/validators.ts';
import { CHAIN_ID, GATEWAYS, tempDir } from '../query/consortium.ts';
import { usccOf } from '../query/synthetic.ts';
import { gatewayConfig, getJson, operator, post } from './fixtures.ts';

const dir = tempDir('server-http-ledger');
let validators: Validators;
let provers: CircuitProverPool;
let poseidon: PoseidonPool;
let gateway: RunningGateway;

beforeAll(async () => {
  validators = await startValidators();
  provers = await CircuitProverPool.create({ workers: 1 });
  poseidon = await PoseidonPool.create({ workers: 0 });
  gateway = await startGateway(
    gatewayConfig(dir.path, GATEWAYS.customs, { ledger: { urls: [...validators.urls], chainId: CHAIN_ID } }),
    { provers, poseidon },
  );
}, 120_000);

afterAll(async () => {
  await gateway?.close();
  await provers?.close();
  await poseidon?.close();
  await validators?.close();
  dir.remove();
});

describe('a gateway on the validators’ HTTP APIs', () => {
  it('reports the ledger reachable and anchors a commitment through consensus', async () => {
    const status = GatewayStatusSchema.parse(await (await getJson(`${gateway.url}/v1/status`)).json());
    expect(status).toMatchObject({ chainId: CHAIN_ID, ledger: { reachable: true } });

    await post(`${gateway.url}/v1/datasets`, {
      name: 'customs.penalties',
      subject: 'enterprise',
      fields: [
        { name: 'enterprise', type: 'uscc' },
        { name: 'amount', type: 'decimal', scale: 2 },
      ],
    });
    const rows = [1, 2].map((i) => JSON.stringify({ enterprise: usccOf(i), amount: `${i}.00` })).join('\n');
    await post(
      `${gateway.url}/v1/datasets/customs.penalties/records`,
      rows,
      operator,
      'application/x-ndjson',
    );
    const committed = await post(`${gateway.url}/v1/datasets/customs.penalties/commit`, '');
    expect(committed.status).toBe(200);
    const report = (await committed.json()) as { version: number; txId: string; height: number };
    expect(report.version).toBe(1);
    // Every validator has the anchor: it went through consensus, not into one node's store.
    for (const node of validators.nodes) {
      await node.waitForHeight(report.height, 20_000);
    }
    const head = await gateway.ledger.datasetHead('customs.penalties');
    expect(head).toMatchObject({ owner: GATEWAYS.customs, latestVersion: 1 });
  });
});
