/**
 * The log commitment: an append-only SM3 Merkle tree over every log entry in the order it was applied,
 * with exactly the RFC 6962 §2.1 shape of accel's `sm3MerkleRoot` (leaf SM3(0x00 ‖ leaf), node
 * SM3(0x01 ‖ left ‖ right)). Only the frontier is kept: the roots of the perfect subtrees that the binary
 * decomposition of the size gives (at most 53), which is all that appending and the root need (the
 * "compact range" of a Merkle log, as in Certificate Transparency's log servers).
 *
 * Appending k leaves hashes k leaves and at most k inner nodes, batched level by level with `sm3Fixed`,
 * whatever the size of the log: the cost per nullifier does not grow with the store.
 */
import { sm3, sm3Fixed, sm3MerkleNode, sm3Packed } from '@privgate/accel';
import {
  type CborValue,
  decodeCanonical,
  encodeCanonical,
  readBytes,
  readList,
  readTuple,
} from '../codec/canonical.ts';
import { readUint } from '../tx/readers.ts';

const D = 32;

/** Size and frontier of a Merkle log; immutable. */
export class LogAccumulator {
  /**
   * @param size number of leaves
   * @param frontier frontier[ℓ] is the root of the perfect subtree of 2^ℓ leaves ending the complete
   *   part at level ℓ, present exactly when bit ℓ of `size` is set
   */
  private constructor(
    readonly size: number,
    private readonly frontier: readonly (Uint8Array | undefined)[],
  ) {}

  /** The empty log. */
  static empty(): LogAccumulator {
    return new LogAccumulator(0, []);
  }

  /** The root: SM3("") when empty, else the RFC 6962 root over all leaves. */
  get root(): Uint8Array {
    let acc: Uint8Array | undefined;
    for (let level = 0; level < this.frontier.length; level++) {
      const node = this.frontier[level];
      if (node === undefined) continue;
      acc = acc === undefined ? node : sm3MerkleNode(node, acc);
    }
    return acc === undefined ? sm3(new Uint8Array(0)) : acc.slice();
  }

  /** Appends leaves (raw leaf bytes, hashed here as SM3(0x00 ‖ leaf)) and returns the new accumulator. */
  append(leaves: readonly Uint8Array[]): LogAccumulator {
    return this.appendRecords(
      leaves.length,
      (i) => leaves[i]!.length,
      (i, out, at) => out.set(leaves[i]!, at),
    );
  }

  /**
   * Appends state entries; each leaf is `entryLeaf(key, value)` (u16 key length ‖ key ‖ value), packed here
   * without building the leaves one by one.
   */
  appendEntries(
    entries: readonly { readonly key: Uint8Array; readonly value: Uint8Array }[],
  ): LogAccumulator {
    return this.appendRecords(
      entries.length,
      (i) => 2 + entries[i]!.key.length + entries[i]!.value.length,
      (i, out, at) => {
        const { key, value } = entries[i]!;
        out[at] = key.length >> 8;
        out[at + 1] = key.length & 0xff;
        out.set(key, at + 2);
        out.set(value, at + 2 + key.length);
      },
    );
  }

  private appendRecords(
    k: number,
    length: (i: number) => number,
    write: (i: number, out: Uint8Array, at: number) => void,
  ): LogAccumulator {
    if (k === 0) return this;
    let total = 0;
    let uniform = true;
    const first = length(0);
    for (let i = 0; i < k; i++) {
      const n = length(i);
      total += 1 + n;
      if (n !== first) uniform = false;
    }
    // One buffer of records 0x00 ‖ leaf, hashed in one batch (fixed-size records take the faster path).
    const data = new Uint8Array(total);
    const offsets = uniform ? undefined : new Uint32Array(k + 1);
    let at = 0;
    for (let i = 0; i < k; i++) {
      write(i, data, at + 1);
      at += 1 + length(i);
      if (offsets) offsets[i + 1] = at;
    }
    const hashes = new Uint8Array(k * D);
    if (offsets) sm3Packed(data, offsets, hashes, 0);
    else sm3Fixed(data, first + 1, k, hashes, 0);
    return this.appendHashes(hashes, k);
  }

  /** Appends `count` leaf hashes packed in `hashes` (32 bytes each). */
  appendHashes(hashes: Uint8Array, count: number): LogAccumulator {
    if (count === 0) return this;
    if (hashes.length < count * D) throw new RangeError('hashes: fewer than count digests');
    const oldSize = this.size;
    const newSize = oldSize + count;
    if (!Number.isSafeInteger(newSize)) throw new RangeError('log size overflow');
    const frontier = [...this.frontier];
    // `run` holds the new complete nodes of the current level, with indexes [first, first + m).
    let run = hashes;
    let m = count;
    let first = oldSize;
    for (let level = 0; m > 0; level++) {
      // If the first new node is a right child, its left sibling is the old frontier node of this level.
      const withLeft = first % 2 === 1;
      const n = m + (withLeft ? 1 : 0);
      const left = frontier[level];
      const node = (i: number): Uint8Array => {
        if (withLeft && i === 0) return left!;
        const j = withLeft ? i - 1 : i;
        return run.subarray(j * D, j * D + D);
      };
      const pairs = Math.floor(n / 2);
      frontier[level] = n % 2 === 1 ? node(n - 1).slice() : undefined;
      if (pairs === 0) {
        m = 0;
        break;
      }
      const records = new Uint8Array(pairs * (2 * D + 1));
      for (let p = 0; p < pairs; p++) {
        const r = p * (2 * D + 1);
        records[r] = 1;
        records.set(node(2 * p), r + 1);
        records.set(node(2 * p + 1), r + 1 + D);
      }
      const next = new Uint8Array(pairs * D);
      sm3Fixed(records, 2 * D + 1, pairs, next, 0);
      run = next;
      m = pairs;
      first = Math.floor((withLeft ? first - 1 : first) / 2);
    }
    while (frontier.length > 0 && frontier[frontier.length - 1] === undefined) frontier.pop();
    return new LogAccumulator(newSize, frontier);
  }

  /** Canonical encoding: [size, [digest of each set bit of size, lowest level first]]. */
  encode(): Uint8Array {
    const digests: CborValue[] = [];
    for (const node of this.frontier) if (node !== undefined) digests.push(node);
    return encodeCanonical([this.size, digests]);
  }

  /**
   * Decodes {@link encode}'s output.
   * @throws {CodecError} or {RangeError} if the bytes are not a frontier consistent with the size.
   */
  static decode(bytes: Uint8Array): LogAccumulator {
    const f = readTuple(decodeCanonical(bytes, 4096, 'frontier'), 2, 'frontier');
    const size = readUint(f[0], 'frontier.size');
    const digests = readList(f[1], 64, 'frontier.digests').map((d, i) =>
      readBytes(d, D, D, `frontier[${i}]`),
    );
    const frontier: (Uint8Array | undefined)[] = [];
    let used = 0;
    for (let level = 0; 2 ** level <= size; level++) {
      if (Math.floor(size / 2 ** level) % 2 === 1) {
        const d = digests[used++];
        if (d === undefined) throw new RangeError('frontier: fewer digests than set bits of the size');
        frontier[level] = d;
      } else frontier[level] = undefined;
    }
    if (used !== digests.length) throw new RangeError('frontier: more digests than set bits of the size');
    return new LogAccumulator(size, frontier);
  }
}
