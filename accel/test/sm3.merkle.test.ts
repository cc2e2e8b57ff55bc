// SM3 Merkle trees: leaf = SM3(0x00 ‖ leaf), node = SM3(0x01 ‖ left ‖ right), RFC 6962 §2.1 shape,
// empty tree = SM3(""). Expected values are computed here with OpenSSL's SM3 (node:crypto) straight from
// that rule, independently of src/sm3.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  packMessages,
  Sm3MerkleTree,
  sm3MerkleLeaf,
  sm3MerkleNode,
  sm3MerkleProof,
  sm3MerkleRoot,
  verifySm3MerkleProof,
} from '../src/sm3/index.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const H = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash('sm3');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const L = (leaf: Uint8Array): Uint8Array => H(Uint8Array.of(0), leaf);
const N = (left: Uint8Array, right: Uint8Array): Uint8Array => H(Uint8Array.of(1), left, right);

// RFC 6962 §2.1: MTH by recursive splitting at the largest power of two below n.
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
function referenceRoot(d: readonly Uint8Array[]): Uint8Array {
  if (d.length === 0) return H();
  if (d.length === 1) return L(d[0]!);
  const k = split(d.length);
  return N(referenceRoot(d.slice(0, k)), referenceRoot(d.slice(k)));
}
// RFC 6962 §2.1.1: PATH(m, D[n]).
function referencePath(m: number, d: readonly Uint8Array[]): Uint8Array[] {
  if (d.length <= 1) return [];
  const k = split(d.length);
  return m < k
    ? [...referencePath(m, d.slice(0, k)), referenceRoot(d.slice(k))]
    : [...referencePath(m - k, d.slice(k)), referenceRoot(d.slice(0, k))];
}

function prng(seed: number): (n: number) => Uint8Array {
  let x = seed | 0 || 1;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      out[i] = x & 0xff;
    }
    return out;
  };
}
const bytes = prng(0x3e41e);
const leavesOf = (n: number, size?: number): Uint8Array[] =>
  Array.from({ length: n }, (_, i) => bytes(size ?? (i * 7) % 50));

describe('known small trees, built by hand from the rule', () => {
  const d = Array.from({ length: 8 }, (_, i) => new TextEncoder().encode(`leaf ${i}`));
  const [l0, l1, l2, l3, l4, l5, l6, l7] = d.map(L) as [
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
  ];
  const cases: [number, Uint8Array][] = [
    [0, H()],
    [1, l0],
    [2, N(l0, l1)],
    [3, N(N(l0, l1), l2)],
    [5, N(N(N(l0, l1), N(l2, l3)), l4)],
    [8, N(N(N(l0, l1), N(l2, l3)), N(N(l4, l5), N(l6, l7)))],
  ];

  it.each(cases)('n = %i', (n, expected) => {
    const leaves = d.slice(0, n);
    expect(hex(sm3MerkleRoot(leaves))).toBe(hex(expected));
    expect(hex(sm3MerkleRoot(packMessages(leaves)))).toBe(hex(expected));
    expect(hex(new Sm3MerkleTree(leaves).root)).toBe(hex(expected));
  });

  it('the empty tree is SM3 of the empty string', () => {
    expect(hex(sm3MerkleRoot([]))).toBe('1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b');
  });

  it('domain separation: a one-leaf root is not the plain hash of the leaf, nor a node', () => {
    expect(hex(sm3MerkleRoot([d[0]!]))).not.toBe(hex(H(d[0]!)));
    expect(hex(sm3MerkleLeaf(d[0]!))).toBe(hex(l0));
    expect(hex(sm3MerkleNode(l0, l1))).toBe(hex(N(l0, l1)));
  });

  it('proofs of the 5-leaf tree are the RFC 6962 audit paths', () => {
    const leaves = d.slice(0, 5);
    expect(sm3MerkleProof(leaves, 0).map(hex)).toEqual([l1, N(l2, l3), l4].map(hex));
    expect(sm3MerkleProof(leaves, 3).map(hex)).toEqual([l2, N(l0, l1), l4].map(hex));
    expect(sm3MerkleProof(leaves, 4).map(hex)).toEqual([N(N(l0, l1), N(l2, l3))].map(hex));
  });
});

describe('roots and proofs against the recursive RFC 6962 definition', () => {
  it('every n from 0 to 40, variable-size leaves, array and packed input', () => {
    for (let n = 0; n <= 40; n++) {
      const leaves = leavesOf(n);
      const expected = hex(referenceRoot(leaves));
      expect(hex(sm3MerkleRoot(leaves)), `n = ${n}`).toBe(expected);
      expect(hex(sm3MerkleRoot(packMessages(leaves))), `packed n = ${n}`).toBe(expected);
      const tree = new Sm3MerkleTree(leaves);
      expect(tree.count).toBe(n);
      for (let i = 0; i < n; i++) {
        expect(tree.proof(i).map(hex), `n = ${n}, i = ${i}`).toEqual(referencePath(i, leaves).map(hex));
      }
    }
  });

  it('equal-size leaves (the sm3Fixed path) and a tree spanning several 1 MiB work chunks', () => {
    for (const n of [2, 3, 33, 100]) {
      const leaves = leavesOf(n, 32);
      expect(hex(sm3MerkleRoot(leaves))).toBe(hex(referenceRoot(leaves)));
    }
    const big = leavesOf(3000, 1000); // 3 MB of leaves
    expect(hex(sm3MerkleRoot(big))).toBe(hex(referenceRoot(big)));
  });

  it('2^16 leaves of 32 bytes, packed', () => {
    const n = 1 << 16;
    const data = bytes(32 * n);
    const offsets = Uint32Array.from({ length: n + 1 }, (_, i) => 32 * i);
    // Independent bottom-up computation with OpenSSL's SM3 (n is a power of two: plain pairing).
    let level = Array.from({ length: n }, (_, i) => L(data.subarray(32 * i, 32 * i + 32)));
    while (level.length > 1)
      level = Array.from({ length: level.length / 2 }, (_, i) => N(level[2 * i]!, level[2 * i + 1]!));
    expect(hex(sm3MerkleRoot({ data, offsets }))).toBe(hex(level[0]!));
  });

  it('subtree roots combine with sm3MerkleNode along the RFC 6962 split', () => {
    for (const n of [2, 3, 6, 17, 64, 100]) {
      const leaves = leavesOf(n);
      const k = split(n);
      const joined = sm3MerkleNode(sm3MerkleRoot(leaves.slice(0, k)), sm3MerkleRoot(leaves.slice(k)));
      expect(hex(joined)).toBe(hex(sm3MerkleRoot(leaves)));
    }
  });
});

describe('verifySm3MerkleProof', () => {
  const sizes = [1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 31, 33, 64, 77];

  it('accepts the proof of every index of random trees', () => {
    let verified = 0;
    for (const n of sizes) {
      const leaves = leavesOf(n, 20);
      const tree = new Sm3MerkleTree(leaves);
      const root = tree.root;
      for (let i = 0; i < n; i++) {
        expect(verifySm3MerkleProof(root, leaves[i]!, i, n, tree.proof(i)), `n = ${n}, i = ${i}`).toBe(true);
        verified++;
      }
    }
    expect(verified).toBe(sizes.reduce((a, b) => a + b, 0));
  });

  it('rejects a tampered proof, leaf, index or root', () => {
    for (const n of sizes.filter((s) => s > 1)) {
      const leaves = leavesOf(n, 20);
      const tree = new Sm3MerkleTree(leaves);
      const root = tree.root;
      for (let i = 0; i < n; i++) {
        const proof = tree.proof(i);
        const leaf = leaves[i]!;
        for (let p = 0; p < proof.length; p++) {
          const bad = proof.map((x) => x.slice());
          bad[p]![p % 32]! ^= 1;
          expect(verifySm3MerkleProof(root, leaf, i, n, bad), `proof[${p}], n = ${n}, i = ${i}`).toBe(false);
        }
        const badLeaf = leaf.slice();
        badLeaf[0]! ^= 0x80;
        expect(verifySm3MerkleProof(root, badLeaf, i, n, proof)).toBe(false);
        expect(verifySm3MerkleProof(root, leaves[(i + 1) % n]!, i, n, proof)).toBe(false);
        expect(verifySm3MerkleProof(root, leaf, (i + 1) % n, n, proof), `index, n = ${n}, i = ${i}`).toBe(
          false,
        );
        const badRoot = root.slice();
        badRoot[31]! ^= 1;
        expect(verifySm3MerkleProof(badRoot, leaf, i, n, proof)).toBe(false);
        // Truncated and extended paths.
        expect(verifySm3MerkleProof(root, leaf, i, n, proof.slice(0, -1))).toBe(false);
        expect(verifySm3MerkleProof(root, leaf, i, n, [...proof, root])).toBe(false);
      }
    }
  });

  it('answers false for an index outside the tree and for a one-leaf tree given a path', () => {
    const leaves = leavesOf(4, 8);
    const tree = new Sm3MerkleTree(leaves);
    expect(verifySm3MerkleProof(tree.root, leaves[0]!, 4, 4, tree.proof(0))).toBe(false);
    expect(verifySm3MerkleProof(tree.root, leaves[0]!, 0, 0, [])).toBe(false);
    const one = new Sm3MerkleTree([leaves[0]!]);
    expect(verifySm3MerkleProof(one.root, leaves[0]!, 0, 1, [])).toBe(true);
    expect(verifySm3MerkleProof(one.root, leaves[0]!, 0, 1, [one.root])).toBe(false);
  });

  it('throws on input that cannot be a proof at all', () => {
    const leaves = leavesOf(4, 8);
    const tree = new Sm3MerkleTree(leaves);
    const root = tree.root;
    const proof = tree.proof(1);
    const leaf = leaves[1]!;
    expect(() => verifySm3MerkleProof(root.subarray(1), leaf, 1, 4, proof)).toThrow(/root/);
    expect(() => verifySm3MerkleProof(hex(root) as unknown as Uint8Array, leaf, 1, 4, proof)).toThrow(
      TypeError,
    );
    expect(() => verifySm3MerkleProof(root, 'x' as unknown as Uint8Array, 1, 4, proof)).toThrow(/leaf/);
    expect(() => verifySm3MerkleProof(root, leaf, -1, 4, proof)).toThrow(/index/);
    expect(() => verifySm3MerkleProof(root, leaf, 1.5, 4, proof)).toThrow(RangeError);
    expect(() => verifySm3MerkleProof(root, leaf, 1, Number.NaN, proof)).toThrow(/count/);
    expect(() => verifySm3MerkleProof(root, leaf, 1, 4, [proof[0]!, new Uint8Array(33)])).toThrow(
      /proof\[1\]/,
    );
    expect(() => verifySm3MerkleProof(root, leaf, 1, 4, [proof[0]!, 'x' as unknown as Uint8Array])).toThrow(
      TypeError,
    );
    expect(() => verifySm3MerkleProof(root, leaf, 1, 4, proof[0] as unknown as Uint8Array[])).toThrow(
      /proof/,
    );
  });
});

describe('malformed trees', () => {
  it('sm3MerkleRoot and the tree reject what is not leaves', () => {
    expect(() => sm3MerkleRoot([Uint8Array.of(1), 'x' as unknown as Uint8Array])).toThrow(/leaves\[1\]/);
    expect(() => sm3MerkleRoot(null as unknown as Uint8Array[])).toThrow(TypeError);
    expect(() => new Sm3MerkleTree('abc' as unknown as Uint8Array[])).toThrow(TypeError);
    expect(() => sm3MerkleRoot({ data: new Uint8Array(4), offsets: Uint32Array.of(0, 3, 2) })).toThrow(
      RangeError,
    );
    expect(() => sm3MerkleRoot({ data: new Uint8Array(4), offsets: Uint32Array.of(0, 5) })).toThrow(
      /offsets/,
    );
  });

  it('proof() rejects an index outside [0, count)', () => {
    const tree = new Sm3MerkleTree(leavesOf(3));
    expect(() => tree.proof(3)).toThrow(RangeError);
    expect(() => tree.proof(-1)).toThrow(/index/);
    expect(() => new Sm3MerkleTree([]).proof(0)).toThrow(RangeError);
    expect(() => sm3MerkleProof(leavesOf(2), 0.5)).toThrow(RangeError);
  });

  it('sm3MerkleNode needs two 32-byte digests', () => {
    expect(() => sm3MerkleNode(new Uint8Array(31), new Uint8Array(32))).toThrow(/left/);
    expect(() => sm3MerkleNode(new Uint8Array(32), new Uint8Array(64))).toThrow(/right/);
  });
});
