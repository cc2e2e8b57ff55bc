// SM3 (GB/T 32905-2016) over four messages at once: a WebAssembly module whose v128 lanes are four
// independent hashes (i32x4), written out by the binary writer at load time.
//
// The rounds mirror the scalar template of test/sm3.unrolled.test.ts (§5.3.3 with the state names
// rotated instead of moved, the message expansion of §5.3.2 four words ahead, W'_j = W_j ^ W_j+4 formed
// where it is used). Two things are SIMD-specific: FF_j and GG_j for j >= 16 are one bitselect each
// (GG = (E & F) | (~E & G) is a bit-select on E; FF, the majority, selects C where A and B differ),
// and there is no vector rotate, so x <<< n is (x << n) | (x >>> 32 - n).
//
// Memory layout (bytes): the 4-lane state at STATE_AT, the expanded constant block at CONST_W_AT,
// four 64-byte padded tails at TAILS_AT, then messages and digests wherever the caller puts them.

import { encodeModule, FunctionBody, I32, type ModuleFunction, V128 } from './wasm-writer.ts';

/** Where the 4-lane chaining state lives: 8 vectors, word i of lane k at STATE_AT + 16 i + 4 k. */
export const STATE_AT = 0;
/** The constant last block, expanded: W_0..W_67 at CONST_W_AT, W'_0..W'_63 at CONST_W_AT + 272. */
export const CONST_W_AT = 256;
/** Offset of W'_0 inside the constant table. */
export const CONST_W_PRIME = 272;
/** Four 64-byte tail blocks, lane k at TAILS_AT + 64 k: the padding template, message bytes copied in. */
export const TAILS_AT = 1024;
/** First byte free for the caller (messages, digests). */
export const FREE_AT = 2048;

// IV, GB/T 32905 §4.1.
const IV = [0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e];

// T_j <<< (j mod 32), §4.2 and §5.3.3.
function rotatedT(j: number): number {
  const t = j < 16 ? 0x79cc4519 : 0x7a879d8a;
  const r = j % 32;
  return r === 0 ? t : ((t << r) | (t >>> (32 - r))) >>> 0;
}

const splat = (v: number): [number, number, number, number] => [v, v, v, v];

// Byte indices of i8x16.shuffle. LOAD_*: four big-endian words of two 16-byte rows interleaved and
// byte-swapped, [x.w0, y.w0, x.w1, y.w1] and [x.w2, y.w2, x.w3, y.w3]; HALF_*: the low or high halves
// of two vectors, which completes a 4 × 4 transpose.
const LOAD_LO = [3, 2, 1, 0, 19, 18, 17, 16, 7, 6, 5, 4, 23, 22, 21, 20];
const LOAD_HI = [11, 10, 9, 8, 27, 26, 25, 24, 15, 14, 13, 12, 31, 30, 29, 28];
const HALF_LO = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
const HALF_HI = [8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31];
// Digest side: interleave words of two state vectors, then take halves with each word byte-swapped.
const ZIP_LO = [0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23];
const ZIP_HI = [8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31];
const OUT_LO = [3, 2, 1, 0, 7, 6, 5, 4, 19, 18, 17, 16, 23, 22, 21, 20];
const OUT_HI = [11, 10, 9, 8, 15, 14, 13, 12, 27, 26, 25, 24, 31, 30, 29, 28];

/** Pushes `local <<< n` (a v128 local). */
function rotl(fb: FunctionBody, local: number, n: number): void {
  fb.get(local)
    .i32(n)
    .shl()
    .get(local)
    .i32(32 - n)
    .shrU()
    .or();
}

/** Where the rounds take W_j and W'_j from: locals filled from four blocks, or the constant table. */
interface WordSource {
  pushW(j: number): void;
  pushWPrime(j: number): void;
  /** Emits whatever must run before round j (the expansion of W_j+4). */
  beforeRound(j: number): void;
}

/**
 * Emits the 64 rounds over the state loaded from STATE_AT, then V ^= ABCDEFGH (§5.3.1) back to STATE_AT.
 * `st` is the local holding STATE_AT's address.
 */
function emitRounds(fb: FunctionBody, st: number, words: WordSource): void {
  const v = Array.from({ length: 8 }, () => fb.local(V128));
  const a12 = fb.local(V128);
  const ss1 = fb.local(V128);
  const x = fb.local(V128);
  for (let i = 0; i < 8; i++)
    fb.get(st)
      .load128(16 * i)
      .set(v[i]!);
  let names = v.slice();
  for (let j = 0; j < 64; j++) {
    words.beforeRound(j);
    const [a, b, c, d, e, f, g, h] = names as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    // SS1 = ((A <<< 12) + E + (T_j <<< j)) <<< 7; SS2 = SS1 ^ (A <<< 12).
    rotl(fb, a, 12);
    fb.set(a12);
    fb.get(a12)
      .get(e)
      .add4()
      .const128(splat(rotatedT(j)))
      .add4()
      .set(x);
    rotl(fb, x, 7);
    fb.set(ss1);
    // TT1 = FF_j(A, B, C) + D + SS2 + W'_j, the new A, written over D.
    if (j < 16) fb.get(a).get(b).xor().get(c).xor();
    else fb.get(c).get(a).get(a).get(b).xor().bitselect();
    fb.get(d).add4().get(ss1).get(a12).xor().add4();
    words.pushWPrime(j);
    fb.add4().set(d);
    // TT2 = GG_j(E, F, G) + H + SS1 + W_j; the new E = P0(TT2), written over H.
    if (j < 16) fb.get(e).get(f).xor().get(g).xor();
    else fb.get(f).get(g).get(e).bitselect();
    fb.get(h).add4().get(ss1).add4();
    words.pushW(j);
    fb.add4().set(x);
    fb.get(x);
    rotl(fb, x, 9);
    fb.xor();
    rotl(fb, x, 17);
    fb.xor().set(h);
    // B <<< 9, F <<< 19 in place; the other moves are the renaming below.
    rotl(fb, b, 9);
    fb.set(b);
    rotl(fb, f, 19);
    fb.set(f);
    names = [d, a, b, c, h, e, f, g];
  }
  // After 64 rounds the names are back in their roles.
  for (let i = 0; i < 8; i++) {
    fb.get(st)
      .get(st)
      .load128(16 * i)
      .get(v[i]!)
      .xor()
      .store128(16 * i);
  }
}

/**
 * compress(st, p0, p1, p2, p3, mask, set): one 64-byte block per lane, lane k's block at address p_k,
 * its first word W_0 replaced by (W_0 & mask) | set: how a one-byte prefix (a Merkle domain byte) is
 * put in front of a message read from one byte before it.
 */
function compressFunction(): ModuleFunction {
  const fb = new FunctionBody(7);
  const st = 0;
  const [mask, set] = [5, 6];
  const w = Array.from({ length: 68 }, () => fb.local(V128));
  const r = Array.from({ length: 4 }, () => fb.local(V128));
  const t = Array.from({ length: 4 }, () => fb.local(V128));
  const y = fb.local(V128);
  // W_0..W_15: four rows of four words per lane, transposed so that vector W_i holds word i of each lane.
  for (let q = 0; q < 4; q++) {
    for (let k = 0; k < 4; k++)
      fb.get(1 + k)
        .load128(16 * q)
        .set(r[k]!);
    fb.get(r[0]!).get(r[1]!).shuffle(LOAD_LO).set(t[0]!);
    fb.get(r[0]!).get(r[1]!).shuffle(LOAD_HI).set(t[1]!);
    fb.get(r[2]!).get(r[3]!).shuffle(LOAD_LO).set(t[2]!);
    fb.get(r[2]!).get(r[3]!).shuffle(LOAD_HI).set(t[3]!);
    fb.get(t[0]!)
      .get(t[2]!)
      .shuffle(HALF_LO)
      .set(w[4 * q]!);
    fb.get(t[0]!)
      .get(t[2]!)
      .shuffle(HALF_HI)
      .set(w[4 * q + 1]!);
    fb.get(t[1]!)
      .get(t[3]!)
      .shuffle(HALF_LO)
      .set(w[4 * q + 2]!);
    fb.get(t[1]!)
      .get(t[3]!)
      .shuffle(HALF_HI)
      .set(w[4 * q + 3]!);
  }
  fb.get(w[0]!).get(mask).splat().and().get(set).splat().or().set(w[0]!);
  emitRounds(fb, st, {
    pushW: (j) => fb.get(w[j]!),
    pushWPrime: (j) =>
      fb
        .get(w[j]!)
        .get(w[j + 4]!)
        .xor(),
    beforeRound: (j) => {
      const k = j + 4;
      if (k < 16) return;
      // W_k = P1(W_k-16 ^ W_k-9 ^ (W_k-3 <<< 15)) ^ (W_k-13 <<< 7) ^ W_k-6, P1(X) = X ^ X <<< 15 ^ X <<< 23.
      fb.get(w[k - 16]!)
        .get(w[k - 9]!)
        .xor();
      rotl(fb, w[k - 3]!, 15);
      fb.xor().set(y);
      fb.get(y);
      rotl(fb, y, 15);
      fb.xor();
      rotl(fb, y, 23);
      fb.xor();
      rotl(fb, w[k - 13]!, 7);
      fb.xor()
        .get(w[k - 6]!)
        .xor()
        .set(w[k]!);
    },
  });
  return { params: [I32, I32, I32, I32, I32, I32, I32], results: [], body: fb };
}

/** compressConst(st, table): the same block in every lane, already expanded at `table` (CONST_W_AT). */
function compressConstFunction(): ModuleFunction {
  const fb = new FunctionBody(2);
  const table = 1;
  emitRounds(fb, 0, {
    pushW: (j) => fb.get(table).load32Splat(4 * j),
    pushWPrime: (j) => fb.get(table).load32Splat(CONST_W_PRIME + 4 * j),
    beforeRound: () => {},
  });
  return { params: [I32, I32], results: [], body: fb };
}

/** digest(st, out): lane k's digest, big-endian, to out + 32 k. */
function digestFunction(): ModuleFunction {
  const fb = new FunctionBody(2);
  const u = Array.from({ length: 4 }, () => fb.local(V128));
  const s = Array.from({ length: 4 }, () => fb.local(V128));
  for (let half = 0; half < 2; half++) {
    for (let i = 0; i < 4; i++)
      fb.get(0)
        .load128(16 * (4 * half + i))
        .set(s[i]!);
    fb.get(s[0]!).get(s[1]!).shuffle(ZIP_LO).set(u[0]!);
    fb.get(s[0]!).get(s[1]!).shuffle(ZIP_HI).set(u[1]!);
    fb.get(s[2]!).get(s[3]!).shuffle(ZIP_LO).set(u[2]!);
    fb.get(s[2]!).get(s[3]!).shuffle(ZIP_HI).set(u[3]!);
    const at = (lane: number) => 32 * lane + 16 * half;
    fb.get(1).get(u[0]!).get(u[2]!).shuffle(OUT_LO).store128(at(0));
    fb.get(1).get(u[0]!).get(u[2]!).shuffle(OUT_HI).store128(at(1));
    fb.get(1).get(u[1]!).get(u[3]!).shuffle(OUT_LO).store128(at(2));
    fb.get(1).get(u[1]!).get(u[3]!).shuffle(OUT_HI).store128(at(3));
  }
  return { params: [I32, I32], results: [], body: fb };
}

const COMPRESS = 0;
const COMPRESS_CONST = 1;
const DIGEST = 2;

/**
 * hash(in, stride, count, out, fullBlocks, tailLen, constBlock, shift, tailSrc, tailDst, mask0, set0):
 * SM3 of `count` messages, message i read from m_i = in + stride i; digests to `out` (room for `count`
 * rounded up to 4). Per group of four: the full blocks from m_i + shift + 64 b (block 0 patched with
 * mask0 / set0, see compress), then, if tailLen + tailDst > 0, bytes m_i + tailSrc .. + tailLen
 * copied to byte tailDst of the padded tails at TAILS_AT, then, if `constBlock`, the pre-expanded block at
 * CONST_W_AT. A last group of fewer than four repeats its last message in the spare lanes.
 *
 * A plain message has shift 0, tailSrc 64 fullBlocks, tailDst 0, mask0 -1, set0 0; a message with a
 * one-byte prefix p reads its blocks one byte early (shift -1) with byte 0 replaced by p.
 */
function hashFunction(): ModuleFunction {
  const fb = new FunctionBody(12);
  const [inPtr, stride, count, out, fullBlocks, tailLen, constBlock] = [0, 1, 2, 3, 4, 5, 6];
  const [shift, tailSrc, tailDst, mask0, set0] = [7, 8, 9, 10, 11];
  const g = fb.local(I32);
  const b = fb.local(I32);
  const off = fb.local(I32);
  const m = Array.from({ length: 4 }, () => fb.local(I32));
  fb.open('block');
  fb.get(count).eqz().brIf(0);
  fb.open('loop');
  for (let k = 0; k < 4; k++) {
    // m_k = in + min(g + k, count - 1) * stride
    fb.get(g).i32(k).add().get(count).i32(1).sub().get(g).i32(k).add().get(count).ltU().select();
    fb.get(stride).mul().get(inPtr).add().set(m[k]!);
  }
  for (let i = 0; i < 8; i++)
    fb.i32(STATE_AT)
      .const128(splat(IV[i]!))
      .store128(16 * i);
  fb.get(shift).set(off);
  fb.open('block');
  fb.get(fullBlocks).eqz().brIf(0);
  fb.i32(0).set(b);
  fb.open('loop');
  fb.i32(STATE_AT);
  for (let k = 0; k < 4; k++) fb.get(m[k]!).get(off).add();
  // Block 0 takes the patch, later blocks none: b == 0 ? mask0 : -1, b == 0 ? set0 : 0.
  fb.get(mask0).i32(-1).get(b).eqz().select();
  fb.get(set0).i32(0).get(b).eqz().select();
  fb.call(COMPRESS);
  fb.get(off).i32(64).add().set(off);
  fb.get(b).i32(1).add().tee(b).get(fullBlocks).ltU().brIf(0);
  fb.end();
  fb.end();
  // A tail block exists when it holds message bytes: tailLen of them, plus the prefix when tailDst is 1.
  fb.get(tailLen).get(tailDst).add().open('if');
  for (let k = 0; k < 4; k++) {
    fb.i32(TAILS_AT + 64 * k)
      .get(tailDst)
      .add()
      .get(m[k]!)
      .get(tailSrc)
      .add()
      .get(tailLen)
      .memoryCopy();
  }
  fb.i32(STATE_AT);
  for (let k = 0; k < 4; k++) fb.i32(TAILS_AT + 64 * k);
  fb.i32(-1).i32(0).call(COMPRESS);
  fb.end();
  fb.get(constBlock).open('if');
  fb.i32(STATE_AT).i32(CONST_W_AT).call(COMPRESS_CONST);
  fb.end();
  fb.i32(STATE_AT).get(out).get(g).i32(32).mul().add().call(DIGEST);
  fb.get(g).i32(4).add().tee(g).get(count).ltU().brIf(0);
  fb.end();
  fb.end();
  return {
    params: [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32],
    results: [],
    body: fb,
    export: 'hash',
  };
}

/**
 * The module's bytes: `hash` (see hashFunction) and one memory of `pages` 64 KiB pages, exported as
 * `memory`. Built fresh on each call (a few milliseconds); callers compile it once per thread.
 */
export function buildSm3x4Module(pages: number): Uint8Array {
  const functions = [compressFunction(), compressConstFunction(), digestFunction(), hashFunction()];
  return encodeModule(functions, pages, pages);
}
