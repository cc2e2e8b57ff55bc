// One instance of the BN254 WebAssembly module (one per thread), with its constants written in and a
// bump allocator for the working memory of a batch. Values cross between JS and the module as bigints
// converted to and from Montgomery form here; everything hot stays inside the module.
import { compileModule, instantiate, type WasmMemory, type WasmModule } from '../wasm/api.ts';
import { StaticMemory } from '../wasm/calls.ts';
import { ModuleBuilder } from '../wasm/emitter.ts';
import { emitField, LIMBS, toLimbs } from '../wasm/field.ts';
import { type Curve, emitCurve } from './curve.ts';
import { type Fp2Value, FROBENIUS, fp2, P, PSI_X, PSI_Y, TWIST_B } from './params.ts';
import { emitTower, FP, FP2, type Tower } from './tower.ts';

/** Static memory (constants and every kernel's scratch) ends below this address. */
const STATIC_LIMIT = 1 << 16;
const PAGE = 65536;
const R_MONT = 1n << 261n;

interface Built {
  module: WasmModule;
  tower: Tower;
  curve: Curve;
}

let built: Built | undefined;

function build(): Built {
  if (built) return built;
  const mod = new ModuleBuilder();
  const mem = new StaticMemory(64, STATIC_LIMIT);
  const fp = emitField(mod, P, 'fp');
  const tower = emitTower(mod, mem, fp);
  const curve = emitCurve(mod, mem, tower);
  built = { module: compileModule(mod.encode(4, 65536)), tower, curve };
  return built;
}

type K1 = (r: number) => void;
type K2 = (r: number, a: number) => void;
type K3 = (r: number, a: number, b: number) => void;
type Pred1 = (a: number) => number;
type Pred2 = (a: number, b: number) => number;

/** The module's exports (pointer arguments; predicates return 0/1). */
export interface Bn254Exports {
  memory: WasmMemory;
  fp_mul: K3;
  fp_sqr: K2;
  fp_add: K3;
  fp_sub: K3;
  fp_reduce: K2;
  fp_is_zero: Pred1;
  fp_eq: Pred2;
  fp_copy: K2;
  fp_neg: K2;
  fp_inv: K2;
  fp2_add: K3;
  fp2_sub: K3;
  fp2_neg: K2;
  fp2_copy: K2;
  fp2_conj: K2;
  fp2_mul: K3;
  fp2_sqr: K2;
  fp2_mul_fp: K3;
  fp2_mul_xi: K2;
  fp2_inv: K2;
  fp2_eq: Pred2;
  fp2_is_zero: Pred1;
  fp6_mul: K3;
  fp12_mul: K3;
  fp12_sqr: K2;
  fp12_conj: K2;
  fp12_inv: K2;
  fp12_copy: K2;
  fp12_one: K1;
  fp12_eq: Pred2;
  fp12_mul_line: K3;
  fp12_frob1: K2;
  fp12_frob2: K2;
  fp12_frob3: K2;
  g1_add: K3;
  g1_dbl: K2;
  g1_on_curve: Pred1;
  g1_eq: Pred2;
  g2_eq: Pred2;
  g2_add: K3;
  g2_dbl: K2;
  g2_on_curve: Pred1;
  g2_psi: K2;
  g2_dbl_line: (t: number, line: number) => void;
  g2_add_line: (t: number, q: number, line: number) => void;
  miller_dbl: (f: number, t: number, p: number, n: number) => void;
  miller_add: (f: number, t: number, q: number, p: number, n: number) => void;
  g1j_dbl: K2;
  g1j_add: K3;
  g1j_to_hom: K2;
  g2j_dbl: K2;
  g2j_add: K3;
  g2j_to_hom: K2;
}

/** A live instance. */
export class Bn254Runtime {
  readonly x: Bn254Exports;
  #top = STATIC_LIMIT;

  constructor() {
    const { module, tower, curve } = build();
    this.x = instantiate<Bn254Exports>(module);
    const t = tower.constants;
    const c = curve.constants;
    this.writeFp(t.zero, 0n);
    this.writeFp(t.one, 1n);
    this.writeFp(t.half, (P + 1n) / 2n);
    FROBENIUS.flat().forEach((g, i) => this.writeFp2(t.frobenius + i * FP2, g));
    this.writeFp(c.g1B, 3n);
    this.writeFp(c.g1B3, 9n);
    this.writeFp2(c.g2B, TWIST_B);
    this.writeFp2(c.g2B3, fp2.mul(TWIST_B, [3n, 0n]));
    this.writeFp2(c.psiX, PSI_X);
    this.writeFp2(c.psiY, PSI_Y);
    this.writeFp2(curve.g2One, [1n, 0n]);
  }

  /** Reserves `bytes` of working memory (8-byte aligned), growing the memory if needed. */
  alloc(bytes: number): number {
    const at = this.#top;
    this.#top += (bytes + 7) & ~7;
    const mem = this.x.memory;
    if (this.#top > mem.buffer.byteLength) mem.grow(Math.ceil((this.#top - mem.buffer.byteLength) / PAGE));
    return at;
  }

  /** The allocator's position, to release everything allocated after it with `release`. */
  mark(): number {
    return this.#top;
  }

  release(mark: number): void {
    this.#top = mark;
  }

  #u32(): Uint32Array {
    return new Uint32Array(this.x.memory.buffer);
  }

  /** Writes x (any integer; reduced mod p) in Montgomery form. */
  writeFp(ptr: number, x: bigint): void {
    const v = ((((x % P) + P) % P) * R_MONT) % P;
    const mem = this.#u32();
    const limbs = toLimbs(v);
    for (let i = 0; i < LIMBS; i++) mem[ptr / 4 + i] = Number(limbs[i]!);
  }

  /** Reads the canonical value of the element at ptr. */
  readFp(ptr: number): bigint {
    const mem = this.#u32();
    let v = 0n;
    for (let i = LIMBS - 1; i >= 0; i--) v = (v << 29n) | BigInt(mem[ptr / 4 + i]!);
    return (v * modInverse(R_MONT % P)) % P;
  }

  writeFp2(ptr: number, x: Fp2Value): void {
    this.writeFp(ptr, x[0]);
    this.writeFp(ptr + FP, x[1]);
  }

  readFp2(ptr: number): Fp2Value {
    return [this.readFp(ptr), this.readFp(ptr + FP)];
  }
}

let rInverse: bigint | undefined;
function modInverse(_: bigint): bigint {
  if (rInverse === undefined) {
    let r = 1n;
    let b = R_MONT % P;
    let e = P - 2n;
    while (e > 0n) {
      if (e & 1n) r = (r * b) % P;
      b = (b * b) % P;
      e >>= 1n;
    }
    rInverse = r;
  }
  return rInverse;
}
