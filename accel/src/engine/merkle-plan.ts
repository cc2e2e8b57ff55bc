// Splitting an RFC 6962-shaped Merkle tree into independent subtrees for parallel hashing. The tree
// over n leaves splits at k = the largest power of two below n; following those splits `parts`
// times gives subtrees whose roots, combined along the same splits, give the whole tree's root.

/** A node of the plan: a subtree hashed by one thread, or a split whose halves combine. */
export type MerklePlan =
  | { kind: 'leaves'; start: number; end: number }
  | { kind: 'split'; left: MerklePlan; right: MerklePlan };

/** Plans the hashing of `count` leaves in about `parts` subtrees. */
export function planMerkleSubtrees(count: number, parts: number, start = 0): MerklePlan {
  if (parts <= 1 || count < 2) return { kind: 'leaves', start, end: start + count };
  let k = 1;
  while (k * 2 < count) k *= 2;
  const leftParts = Math.max(1, Math.round((parts * k) / count));
  return {
    kind: 'split',
    left: planMerkleSubtrees(k, leftParts, start),
    right: planMerkleSubtrees(count - k, Math.max(1, parts - leftParts), start + k),
  };
}
