// `auditChain` against a chain decided by 4 in-process validators: it passes on the real chain and
// fails, naming the check and the height, on every kind of tampering a node could serve.
import { createCpuAccelerator, sm3 } from '@privgate/accel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBlock, encodeBlock } from '../../src/block/codec.ts';
import { decodeCertificate, encodeCertificate } from '../../src/codec/consensus-codec.ts';
import { auditChain, type ChainSource } from '../../src/node/audit.ts';
import type { LedgerNode } from '../../src/node/ledger-node.ts';
import { toHex } from '../../src/tx/bytes.ts';
import { anchors, type Cluster, startCluster, until } from './cluster.ts';

type Entry = { block: Uint8Array; certificate?: Uint8Array | undefined };
const accel = createCpuAccelerator();
let cluster: Cluster;
let txHeight = 0;

function source(node: LedgerNode, upTo: number, tamper?: (h: number, e: Entry) => Entry): ChainSource {
  return {
    description: 'in-process',
    genesis: async () => node.genesis,
    head: async () => {
      const b = (await node.store.blockAt(upTo))!;
      return { height: upTo, blockHash: toHex(b.hash), stateRoot: toHex(b.header.stateRoot) };
    },
    block: async (h) => {
      const b = await node.store.blockAt(h);
      if (b === undefined) return undefined;
      const e = { block: b.bytes, certificate: await node.store.certificate(h) };
      const out = tamper === undefined ? e : tamper(h, e);
      return { block: out.block, certificate: out.certificate };
    },
    close: async () => {},
  };
}

beforeAll(async () => {
  cluster = await startCluster(4);
  const txs = anchors(cluster.net, 12, 1);
  await cluster.node(0).submit(txs);
  const last = sm3(txs[11]!);
  await until(async () => (await cluster.node(0).store.txCommitted([last]))[0]!, 20_000, 'txs committed');
  txHeight = (await cluster.node(0).store.txLocation(sm3(txs[0]!)))!.height;
  await cluster.node(0).waitForHeight(txHeight + 2);
}, 60_000);

afterAll(async () => {
  await cluster?.close();
  await accel.close();
});

describe('chain audit', () => {
  it('passes on the chain the validators decided', async () => {
    const node = cluster.node(1);
    const top = node.store.height;
    const r = await auditChain(source(node, top), { accel, genesis: node.genesis });
    expect(r.failures).toEqual([]);
    expect(r).toMatchObject({
      verdict: 'PASS',
      verifiedHeight: top,
      certificates: top,
      txs: 12,
      txSignatures: 12,
    });
    expect(r.precommitSignatures).toBeGreaterThanOrEqual(3 * top);
  }, 60_000);

  it('fails on tampering, naming the check and height', async () => {
    const node = cluster.node(2);
    const top = txHeight + 2;
    const run = (tamper: (h: number, e: Entry) => Entry) => auditChain(source(node, top, tamper), { accel });
    const at = (h: number, f: (e: Entry) => Entry) => (x: number, e: Entry) => (x === h ? f(e) : e);

    // A transaction's byte changed (header untouched): the tx root no longer matches.
    const txChanged = await run(
      at(txHeight, (e) => {
        const b = decodeBlock(e.block);
        const txs = b.txs.map((t, i) =>
          i === 0 ? Uint8Array.from(t, (x, k) => (k === t.length - 1 ? x ^ 1 : x)) : t,
        );
        return { ...e, block: encodeBlock(b.header, txs).bytes };
      }),
    );
    expect(txChanged.verdict).toBe('FAIL');
    expect(txChanged.failures[0]).toMatchObject({ height: txHeight, code: 'TX_ROOT' });

    // A header field changed: the certificate no longer covers the block.
    const headerChanged = await run(
      at(txHeight, (e) => {
        const b = decodeBlock(e.block);
        return { ...e, block: encodeBlock({ ...b.header, timestamp: b.header.timestamp + 1 }, b.txs).bytes };
      }),
    );
    expect(headerChanged.failures[0]).toMatchObject({ height: txHeight, code: 'CERTIFICATE_WRONG_BLOCK' });

    // A precommit signature forged, a precommit dropped, a certificate missing.
    const cert = (f: (c: ReturnType<typeof decodeCertificate>) => ReturnType<typeof decodeCertificate>) =>
      at(2, (e) => ({ ...e, certificate: encodeCertificate(f(decodeCertificate(e.certificate!))) }));
    const badSig = await run(
      cert((c) => ({
        ...c,
        precommits: c.precommits.map((p, i) =>
          i === 0 ? { ...p, signature: p.signature.map((x, k) => (k === 5 ? x ^ 1 : x)) } : p,
        ),
      })),
    );
    expect(badSig.failures[0]).toMatchObject({ height: 2, code: 'CERTIFICATE_BAD_SIGNATURE' });
    const short = await run(cert((c) => ({ ...c, precommits: c.precommits.slice(0, 2) })));
    expect(short.failures[0]).toMatchObject({ height: 2, code: 'CERTIFICATE_INSUFFICIENT_SIGNATURES' });
    const missing = await run(at(3, (e) => ({ block: e.block })));
    expect(missing.failures[0]).toMatchObject({ height: 3, code: 'CERTIFICATE_MISSING' });

    // A block replaced by another real block: the hash chain breaks.
    const other = (await node.store.blockAt(1))!;
    const swapped = await run(at(3, (e) => ({ ...e, block: other.bytes })));
    expect(swapped.failures.map((f) => f.code)).toContain('HASH_CHAIN_BROKEN');
    for (const r of [txChanged, headerChanged, badSig, short, missing, swapped])
      expect(r.verdict).toBe('FAIL');
  }, 90_000);
});
