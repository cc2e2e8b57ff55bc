import { sm3MerkleRoot } from '@privgate/accel';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeBlock, txRootOf } from '../../src/block/codec.ts';
import { ScalableBloomFilter } from '../../src/state/bloom.ts';
import { BucketTree, EMPTY_BUCKET_DIGEST } from '../../src/state/bucket-tree.ts';
import { BUCKET_COUNT, Namespace, stateKey } from '../../src/state/keys.ts';
import { LogAccumulator } from '../../src/state/log-accumulator.ts';
import { StateStore } from '../../src/state/store.ts';
import { LedgerError } from '../../src/tx/errors.ts';
import { digest, tempDir } from './harness.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function openStore(): Promise<{ store: StateStore; dir: string; reopen: () => Promise<StateStore> }> {
  const tmp = tempDir('state');
  let store = await StateStore.open(tmp.path, { sync: false });
  cleanups.push(async () => {
    await store.close();
    tmp.remove();
  });
  return {
    store,
    dir: tmp.path,
    reopen: async () => {
      await store.close();
      store = await StateStore.open(tmp.path, { sync: false });
      return store;
    },
  };
}

/** Commits the overlay's writes as a block with no transactions. */
async function commitWrites(
  store: StateStore,
  write: (o: ReturnType<StateStore['overlay']>) => void,
): Promise<void> {
  const o = store.overlay();
  write(o);
  const prepared = await store.prepare(o);
  const height = store.height + 1;
  const block = encodeBlock(
    {
      version: 1,
      chainId: 'c',
      height,
      prevHash: store.head?.blockHash ?? digest('genesis'),
      timestamp: 1000 + height,
      proposer: 'p',
      txRoot: txRootOf([]),
      stateRoot: prepared.stateRoot,
      txCount: 0,
    },
    [],
  );
  await store.commit(block, [], prepared);
}

const mapKey = (i: number) => stateKey(Namespace.policy, `k${i}`);
const logKey = (i: number) => stateKey(Namespace.nullifier, digest(`n${i}`));

describe('log accumulator', () => {
  it('has the root of sm3MerkleRoot over the same leaves, however they are appended', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 8 }), (chunks) => {
        let acc = LogAccumulator.empty();
        const all: Uint8Array[] = [];
        for (const n of chunks) {
          const leaves = Array.from({ length: n }, (_, i) =>
            digest(`${all.length}-${i}`).subarray(0, 5 + (i % 7)),
          );
          acc = acc.append(leaves);
          all.push(...leaves);
          expect(acc.size).toBe(all.length);
          expect(acc.root).toEqual(sm3MerkleRoot(all));
          expect(LogAccumulator.decode(acc.encode()).root).toEqual(acc.root);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('rejects a frontier that does not match its size', () => {
    const acc = LogAccumulator.empty().append([
      new Uint8Array([1]),
      new Uint8Array([2]),
      new Uint8Array([3]),
    ]);
    const bytes = acc.encode();
    const bad = LogAccumulator.empty()
      .append([new Uint8Array([1]), new Uint8Array([2])])
      .encode();
    expect(() =>
      LogAccumulator.decode(new Uint8Array([...bytes.subarray(0, 1), 0x02, ...bytes.subarray(2)])),
    ).toThrow();
    expect(LogAccumulator.decode(bad).size).toBe(2);
  });
});

describe('bucket tree', () => {
  it('equals sm3MerkleRoot over the bucket digests, and updates equal a rebuild', () => {
    const tree = new BucketTree();
    const digests = new Array<Uint8Array>(BUCKET_COUNT).fill(EMPTY_BUCKET_DIGEST);
    expect(tree.root).toEqual(sm3MerkleRoot(digests));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: BUCKET_COUNT - 1 }), fc.string()), {
          minLength: 1,
          maxLength: 20,
        }),
        (changes) => {
          const update = new Map(changes.map(([b, s]) => [b, digest(s)]));
          const result = tree.computeUpdate(update);
          tree.apply(result);
          for (const [b, d] of update) digests[b] = d;
          expect(result.root).toEqual(tree.root);
          expect(new BucketTree(digests.map((d, b) => [b, d] as const)).root).toEqual(tree.root);
        },
      ),
      { numRuns: 10 },
    );
  });
});

describe('bloom pre-filter', () => {
  it('has no false negatives, including past its initial capacity', () => {
    const filter = new ScalableBloomFilter(100);
    const keys = Array.from({ length: 1000 }, (_, i) => digest(`k${i}`));
    for (const k of keys) filter.add(k);
    for (const k of keys) expect(filter.mayContain(k)).toBe(true);
    let falsePositives = 0;
    for (let i = 0; i < 10_000; i++) if (filter.mayContain(digest(`absent${i}`))) falsePositives++;
    expect(falsePositives).toBeLessThan(200);
  });
});

describe('state overlay', () => {
  it('reads its own writes and rolls back to a savepoint', async () => {
    const { store } = await openStore();
    await commitWrites(store, (o) => o.put(mapKey(1), new Uint8Array([1])));
    const o = store.overlay();
    expect(await o.get(mapKey(1))).toEqual(new Uint8Array([1]));
    const sp = o.savepoint();
    o.put(mapKey(1), new Uint8Array([2]));
    o.delete(mapKey(1));
    o.put(mapKey(2), new Uint8Array([3]));
    o.append(logKey(1), new Uint8Array([4]));
    expect(await o.get(mapKey(1))).toBeUndefined();
    expect(await o.getMany([mapKey(2), logKey(1), logKey(2)])).toEqual([
      new Uint8Array([3]),
      new Uint8Array([4]),
      undefined,
    ]);
    o.rollback(sp);
    expect(await o.getMany([mapKey(1), mapKey(2), logKey(1)])).toEqual([
      new Uint8Array([1]),
      undefined,
      undefined,
    ]);
    expect(o.changes()).toEqual({ maps: [], appends: [] });
    expect(() => o.put(logKey(3), new Uint8Array(1))).toThrow(RangeError);
    expect(() => o.append(mapKey(3), new Uint8Array(1))).toThrow(RangeError);
    o.append(logKey(3), new Uint8Array(1));
    expect(() => o.append(logKey(3), new Uint8Array(1))).toThrow(RangeError);
  });
});

describe('state store', () => {
  it('commits blocks atomically, reopens to the same head and root, and keeps the map root incremental', async () => {
    const { store: first, reopen } = await openStore();
    let store = first;
    const expected = new Map<string, string>();
    for (let b = 0; b < 6; b++) {
      await commitWrites(store, (o) => {
        for (let i = 0; i < 50; i++) {
          const k = (b * 37 + i * 11) % 120;
          if ((b + i) % 5 === 0) {
            o.delete(mapKey(k));
            expected.delete(Buffer.from(mapKey(k)).toString('hex'));
          } else {
            o.put(mapKey(k), new Uint8Array([b, i]));
            expected.set(Buffer.from(mapKey(k)).toString('hex'), Buffer.from([b, i]).toString('hex'));
          }
        }
        for (let i = 0; i < 30; i++) {
          o.append(logKey(b * 100 + i), new Uint8Array([b]));
          expected.set(Buffer.from(logKey(b * 100 + i)).toString('hex'), Buffer.from([b]).toString('hex'));
        }
      });
      expect(await store.verifyMapRoot()).toBe(true);
    }
    const root = store.stateRoot;
    const dump = await store.dump();
    expect(new Map(dump)).toEqual(expected);
    expect(store.logSize).toBe(180);
    store = await reopen();
    expect(store.height).toBe(5);
    expect(store.stateRoot).toEqual(root);
    expect(await store.dump()).toEqual(dump);
    expect(await store.get(logKey(101))).toEqual(new Uint8Array([1]));
    expect(await store.get(logKey(99_999))).toBeUndefined();
    const block = await store.blockAt(3);
    expect(block?.header.height).toBe(3);
    expect((await store.blockByHash(block!.hash))?.header.height).toBe(3);
  });

  it('refuses an execution prepared on another head, and a block with another state root', async () => {
    const { store } = await openStore();
    await commitWrites(store, (o) => o.put(mapKey(1), new Uint8Array([1])));
    const o = store.overlay();
    o.put(mapKey(2), new Uint8Array([2]));
    const prepared = await store.prepare(o);
    const header = {
      version: 1,
      chainId: 'c',
      height: 1,
      prevHash: store.head!.blockHash,
      timestamp: 5000,
      proposer: 'p',
      txRoot: txRootOf([]),
      stateRoot: digest('wrong'),
      txCount: 0,
    };
    await expect(store.commit(encodeBlock(header, []), [], prepared)).rejects.toMatchObject({
      code: 'STATE_ROOT_MISMATCH',
    });
    await commitWrites(store, (w) => w.put(mapKey(3), new Uint8Array([3])));
    await expect(
      store.commit(encodeBlock({ ...header, stateRoot: prepared.stateRoot }, []), [], prepared),
    ).rejects.toMatchObject({
      code: 'STATE_STALE_EXECUTION',
    });
    expect(await store.get(mapKey(2))).toBeUndefined();
  });

  it('rebuilds the nullifier pre-filter from its journal, whatever filters earlier opens used', async () => {
    const tmp = tempDir('journal');
    cleanups.push(tmp.remove);
    let store = await StateStore.open(tmp.path, { sync: false, filteredNamespaces: [] });
    await commitWrites(store, (o) => {
      for (let i = 0; i < 50; i++) o.append(logKey(i), new Uint8Array([i]));
    });
    await store.close();
    store = await StateStore.open(tmp.path, { sync: false });
    try {
      // Every committed key must pass the filter: a false negative would let a nullifier be spent twice.
      const values = await store.getMany(Array.from({ length: 50 }, (_, i) => logKey(i)));
      expect(values.every((v, i) => v?.[0] === i)).toBe(true);
      const o = store.overlay();
      expect(await o.appendAllIfAbsent([logKey(1000), logKey(7)], new Uint8Array([1]))).toEqual({
        index: 1,
        where: 'state',
      });
      expect(await o.appendAllIfAbsent([logKey(1000), logKey(1000)], new Uint8Array([1]))).toEqual({
        index: 1,
        where: 'batch',
      });
      const sp = o.savepoint();
      expect(await o.appendAllIfAbsent([logKey(1000), logKey(1001)], new Uint8Array([1]))).toBeUndefined();
      expect(await o.appendAllIfAbsent([logKey(1001)], new Uint8Array([1]))).toEqual({
        index: 0,
        where: 'state',
      });
      o.rollback(sp);
      expect(o.changes().appends).toEqual([]);
      expect(await o.get(logKey(1000))).toBeUndefined();
    } finally {
      await store.close();
    }
    await expect(StateStore.open(tmp.path, { filteredNamespaces: [Namespace.proof] })).rejects.toThrow(
      RangeError,
    );
  });

  it('detects a store whose head and contents disagree', async () => {
    const { store, dir } = await openStore();
    await commitWrites(store, (o) => o.put(mapKey(1), new Uint8Array([1])));
    await store.close();
    // Tamper with a map entry behind the store's back: the recomputed root no longer matches the head.
    const { ClassicLevel } = await import('classic-level');
    const db = new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' });
    await db.open();
    await db.put(Uint8Array.of(0x42, 0, 1), digest('forged bucket'));
    await db.close();
    const err = await StateStore.open(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LedgerError);
    expect((err as LedgerError).code).toBe('STATE_CORRUPT');
  });
});
