// Batch Poseidon in WebAssembly generated at run time (see ../wasm/field.ts for the arithmetic): the
// rearranged permutation of optimized.ts, with the round loop, the conversions from and to 32-byte
// little-endian field elements, and the loop over a batch all inside the module, so JS crosses into
// WebAssembly once per chunk of hashes rather than once per multiplication.
//
// Memory layout: [0, SCRATCH) fixed scratch (conversion constants, state, temporaries), then the
// constants of each arity used so far (appended on first use), then the I/O area of the current chunk.
import { compileModule, instantiate, type WasmMemory, type WasmModule } from '../wasm/api.ts';
import { I32, I64, ModuleBuilder, Op } from '../wasm/emitter.ts';
import {
  ELEMENT_BYTES,
  emitDot,
  emitField,
  emitMulAdd,
  emitPow5,
  type FieldConstants,
  toLimbs,
} from '../wasm/field.ts';
import { BN254_R, FULL_ROUNDS, MAX_ARITY } from './constants.ts';
import { optimizedParams } from './optimized.ts';

const E = ELEMENT_BYTES;
/** Fixed addresses. */
const R2 = 0;
const ONE = E;
const STATE = 2 * E; // up to 17 elements
const TMP = STATE + 17 * E; // up to 17 elements
const SCRATCH = 4096;

/** Header of an arity's constants (i32 fields). */
const H_T = 0;
const H_RP = 4;
const H_FIRST = 8;
const H_MDS = 12;
const H_PRE = 16;
const H_PARTIAL = 20;
const H_SPARSE = 24;
const H_LAST = 28;
const HEADER_BYTES = 32;

/** Hashes per call into the module. */
export const CHUNK_HASHES = 4096;

function buildModule(): { bytes: Uint8Array; constants: FieldConstants } {
  const mod = new ModuleBuilder();
  const F = emitField(mod, BN254_R, 'fr');
  const dot = emitDot(mod, F.constants, 'fr');

  const pow5 = emitPow5(mod, F.constants, 'fr');
  const mulAdd = emitMulAdd(mod, F.constants, 'fr');
  // x ← x^5 (x < 8p).
  const sbox = mod.func('sbox', [I32], [], false);
  sbox.get(0).get(0).call(pow5);

  // The permutation on STATE for the arity whose header is at `h`.
  const perm = mod.func('perm', [I32], [], false);
  {
    const f = perm;
    const h = 0;
    const [t, rp, c, i, k, row, rowBytes] = [
      f.local(I32),
      f.local(I32),
      f.local(I32),
      f.local(I32),
      f.local(I32),
      f.local(I32),
      f.local(I32),
    ];
    f.get(h).i32Load(H_T).set(t);
    f.get(h).i32Load(H_RP).set(rp);
    f.get(t).i32(E).op(Op.i32Mul).set(rowBytes);
    // One full round: add the t constants at `c` (advancing c), S-box every cell, then multiply by
    // the matrix at `matrix` (all rows, or row 0 only) into TMP and copy back.
    const fullRound = (matrix: () => void, rows: 'all' | 'first') => {
      f.i32(0).set(i);
      f.loop();
      f.get(i).i32(E).op(Op.i32Mul).i32(STATE).add32().tee(k); // k = &state[i]
      f.get(k).get(c).call(F.addLazy);
      f.get(k).call(sbox);
      f.get(c).i32(E).add32().set(c);
      f.get(i).i32(1).add32().tee(i).get(t).op(Op.i32LtU).brIf(0);
      f.end();
      matrix(); // row = &matrix[0][0]
      if (rows === 'first') {
        f.i32(STATE).i32(STATE).get(row).get(t).call(dot);
        return;
      }
      f.i32(0).set(i);
      f.loop();
      f.get(i).i32(E).op(Op.i32Mul).i32(TMP).add32().i32(STATE).get(row).get(t).call(dot);
      f.get(row).get(rowBytes).add32().set(row);
      f.get(i).i32(1).add32().tee(i).get(t).op(Op.i32LtU).brIf(0);
      f.end();
      f.i32(0).set(i);
      f.loop();
      f.get(i).i32(E).op(Op.i32Mul).tee(k).i32(STATE).add32().get(k).i32(TMP).add32().call(F.copy);
      f.get(i).i32(1).add32().tee(i).get(t).op(Op.i32LtU).brIf(0);
      f.end();
    };
    const half = FULL_ROUNDS / 2;
    f.get(h).i32Load(H_FIRST).set(c);
    for (let r = 0; r < half; r++) {
      fullRound(
        () =>
          f
            .get(h)
            .i32Load(r === half - 1 ? H_PRE : H_MDS)
            .set(row),
        'all',
      );
    }
    // Partial rounds: c walks the scalar constants, row the sparse matrices.
    f.get(h).i32Load(H_PARTIAL).set(c);
    f.get(h).i32Load(H_SPARSE).set(row);
    f.loop();
    f.i32(STATE).i32(STATE).get(c).call(F.addLazy);
    f.i32(STATE).call(sbox);
    f.get(c).i32(E).add32().set(c);
    f.i32(TMP).i32(STATE).get(row).get(t).call(dot); // new s0 = row · s
    f.get(row).get(rowBytes).add32().set(row); // row → col (d_1..d_{t-1})
    f.i32(1).set(i);
    f.loop();
    f.get(i).i32(E).op(Op.i32Mul).i32(STATE).add32().get(row).i32(STATE).call(mulAdd); // s_i += d_i·s0
    f.get(row).i32(E).add32().set(row);
    f.get(i).i32(1).add32().tee(i).get(t).op(Op.i32LtU).brIf(0);
    f.end();
    f.i32(STATE).i32(TMP).call(F.copy);
    f.get(rp).i32(1).sub32().tee(rp).brIf(0);
    f.end();
    f.get(h).i32Load(H_LAST).set(c);
    for (let r = 0; r < half; r++) {
      fullRound(() => f.get(h).i32Load(H_MDS).set(row), r === half - 1 ? 'first' : 'all');
    }
  }

  // 32-byte little-endian element at `src` → 9 limbs at `dst` (not yet Montgomery).
  const unpack = mod.func('unpack', [I32, I32], [], false);
  for (let l = 0; l < 9; l++) {
    const bit = 29 * l;
    unpack.get(0);
    if (l < 8) {
      unpack
        .get(1)
        .mem(Op.i64Load, bit >> 3, 0)
        .i64(bit & 7)
        .shrU64()
        .i64(0x1fffffff)
        .and64();
    } else {
      unpack.get(1).mem(Op.i64Load, 24, 0).i64(40).shrU64();
    }
    unpack.store32(4 * l);
  }

  // Canonical 9 limbs at `src` → 32-byte little-endian element at `dst`.
  const pack = mod.func('pack', [I32, I32], [], false);
  {
    const f = pack;
    const acc = f.local(I64);
    let bits = 0;
    let word = 0;
    f.i64(0).set(acc);
    for (let l = 0; l < 9; l++) {
      f.get(acc)
        .get(1)
        .load32u(4 * l)
        .i64(bits)
        .shl64()
        .or64()
        .set(acc);
      bits += 29;
      while (bits >= 32 && word < 8) {
        f.get(0)
          .get(acc)
          .store32(4 * word++);
        f.get(acc).i64(32).shrU64().set(acc);
        bits -= 32;
      }
    }
    while (word < 8) {
      f.get(0)
        .get(acc)
        .store32(4 * word++);
      f.get(acc).i64(32).shrU64().set(acc);
    }
  }

  // hash_batch(h, in, out, count): out[j] = Poseidon(in[j·arity .. (j+1)·arity)).
  const batch = mod.func('hash_batch', [I32, I32, I32, I32]);
  {
    const f = batch;
    const [h, src, dst, count] = [0, 1, 2, 3];
    const [t, i, k] = [f.local(I32), f.local(I32), f.local(I32)];
    f.get(h).i32Load(H_T).set(t);
    f.block();
    f.get(count).op(Op.i32Eqz).brIf(0);
    f.loop();
    f.i32(STATE).call(F.zero);
    f.i32(1).set(i);
    f.loop();
    f.get(i).i32(E).op(Op.i32Mul).i32(STATE).add32().tee(k).get(src).call(unpack);
    f.get(k).get(k).i32(R2).call(F.mul); // to Montgomery form (reduces inputs ≥ r, as circomlibjs does)
    f.get(src).i32(32).add32().set(src);
    f.get(i).i32(1).add32().tee(i).get(t).op(Op.i32LtU).brIf(0);
    f.end();
    f.get(h).call(perm);
    f.i32(TMP).i32(STATE).i32(ONE).call(F.mul); // out of Montgomery form
    f.i32(TMP).i32(TMP).call(F.reduce);
    f.get(dst).i32(TMP).call(pack);
    f.get(dst).i32(32).add32().set(dst);
    f.get(count).i32(1).sub32().tee(count).brIf(0);
    f.end();
    f.end();
  }
  return { bytes: mod.encode(64, 65536), constants: F.constants };
}

let compiled: { module: WasmModule; constants: FieldConstants } | undefined;

function compiledModule() {
  if (!compiled) {
    const { bytes, constants } = buildModule();
    compiled = { module: compileModule(bytes), constants };
  }
  return compiled;
}

interface Exports {
  memory: WasmMemory;
  hash_batch(h: number, src: number, dst: number, count: number): void;
}

/**
 * One instance of the Poseidon module (one per thread): hashes packed batches of any arity 1..16.
 * @example
 * const engine = new PoseidonWasm();
 * const out = engine.hashPacked(2, input, count); // input: count·2 32-byte LE elements
 */
export class PoseidonWasm {
  readonly #exports: Exports;
  readonly #constants: FieldConstants;
  readonly #headers = new Map<number, number>();
  #top = SCRATCH;

  constructor() {
    const { module, constants } = compiledModule();
    this.#exports = instantiate<Exports>(module);
    this.#constants = constants;
    this.#writeElement(R2, constants.r2, false);
    this.#writeElement(ONE, 1n, false);
  }

  #memory(): DataView {
    return new DataView(this.#exports.memory.buffer);
  }

  #ensure(bytes: number): void {
    const mem = this.#exports.memory;
    if (bytes > mem.buffer.byteLength) mem.grow(Math.ceil((bytes - mem.buffer.byteLength) / 65536));
  }

  /** Writes x (Montgomery form when `mont`) as limbs at `ptr`. */
  #writeElement(ptr: number, x: bigint, mont = true): void {
    const { p } = this.#constants;
    const v = mont ? ((x % p) * (1n << 261n)) % p : x;
    const view = this.#memory();
    toLimbs(v).forEach((l, i) => view.setUint32(ptr + 4 * i, Number(l), true));
  }

  /** The header address of `arity`'s constants, laying them out on first use. */
  #header(arity: number): number {
    const known = this.#headers.get(arity);
    if (known !== undefined) return known;
    const o = optimizedParams(arity);
    const t = o.t;
    const elements = 4 * t + 2 * t * t + o.partialRounds * 2 * t + 4 * t;
    const h = this.#top;
    this.#ensure(h + HEADER_BYTES + elements * E + 64);
    let at = h + HEADER_BYTES;
    const put = (xs: readonly bigint[]): number => {
      const start = at;
      for (const x of xs) {
        this.#writeElement(at, x);
        at += E;
      }
      return start;
    };
    const view = this.#memory();
    const fields: [number, number][] = [
      [H_T, t],
      [H_RP, o.partialRounds],
      [H_FIRST, put(o.firstConstants)],
      [H_MDS, put(o.mds.flat())],
      [H_PRE, put(o.preSparse.flat())],
      [H_PARTIAL, put(o.partialConstants)],
      [H_SPARSE, put(o.sparse.flatMap((s) => [...s.row, ...s.col]))],
      [H_LAST, put(o.lastConstants)],
    ];
    for (const [off, v] of fields) view.setInt32(h + off, v, true);
    this.#top = at;
    this.#headers.set(arity, h);
    return h;
  }

  /**
   * Poseidon of `count` groups of `arity` consecutive 32-byte little-endian elements of `input`
   * (values ≥ r are reduced, as circomlibjs does); returns `count` 32-byte little-endian hashes.
   * @throws {RangeError} for an arity outside 1..16 or an input of the wrong length.
   */
  hashPacked(arity: number, input: Uint8Array, count: number): Uint8Array {
    if (!Number.isInteger(arity) || arity < 1 || arity > MAX_ARITY) {
      throw new RangeError(`Poseidon arity must be 1..${MAX_ARITY}, got ${arity}`);
    }
    if (!Number.isInteger(count) || count < 0 || input.length !== count * arity * 32) {
      throw new RangeError(`Poseidon input must hold ${count} × ${arity} 32-byte elements`);
    }
    const h = this.#header(arity);
    const out = new Uint8Array(count * 32);
    const inBase = this.#top;
    const chunk = Math.min(count, CHUNK_HASHES);
    const outBase = inBase + chunk * arity * 32 + 8; // 8: a limb load may read past the last element
    this.#ensure(outBase + chunk * 32);
    for (let start = 0; start < count; start += CHUNK_HASHES) {
      const n = Math.min(CHUNK_HASHES, count - start);
      const mem = new Uint8Array(this.#exports.memory.buffer);
      mem.set(input.subarray(start * arity * 32, (start + n) * arity * 32), inBase);
      this.#exports.hash_batch(h, inBase, outBase, n);
      out.set(new Uint8Array(this.#exports.memory.buffer, outBase, n * 32), start * 32);
    }
    return out;
  }
}
