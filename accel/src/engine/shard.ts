// Assignment of batch items to threads by key. Items of one key stay together (their cached point,
// Z and table live in one thread); groups are placed largest first on the least loaded thread
// (LPT scheduling), and a group bigger than a fair share is cut so no thread idles.

/**
 * Splits item indices 0..count-1 into at most `parts` shards, grouping by `keyOf(i)`.
 * Returns one shard when the batch is too small to be worth splitting.
 */
export function shardByKey(
  count: number,
  keyOf: (i: number) => Uint8Array,
  parts: number,
  minPerShard: number,
): number[][] {
  const n = Math.max(1, Math.min(parts, Math.floor(count / minPerShard)));
  if (n === 1) return [Array.from({ length: count }, (_, i) => i)];
  const groups = new Map<string, number[]>();
  for (let i = 0; i < count; i++) {
    const k = keyOf(i);
    const id = Buffer.from(k.buffer, k.byteOffset, k.byteLength).toString('latin1');
    let g = groups.get(id);
    if (!g) {
      g = [];
      groups.set(id, g);
    }
    g.push(i);
  }
  const fair = Math.ceil(count / n);
  const pieces: number[][] = [];
  for (const g of groups.values()) {
    for (let a = 0; a < g.length; a += fair) pieces.push(g.slice(a, a + fair));
  }
  pieces.sort((x, y) => y.length - x.length);
  const shards: number[][] = Array.from({ length: n }, () => []);
  for (const piece of pieces) {
    let best = 0;
    for (let s = 1; s < n; s++) if (shards[s]!.length < shards[best]!.length) best = s;
    for (const i of piece) shards[best]!.push(i);
  }
  return shards.filter((s) => s.length > 0);
}
