// The generated Montgomery field arithmetic against bigints, for both BN254 moduli, on random values
// and the edges of its input ranges (mul/sqr take inputs below 8p; add/sub/reduce below 2p; results
// of mul/add/sub stay below 2p).
import { describe, expect, it } from 'vitest';
import { compileModule, instantiate, type WasmMemory } from '../../src/wasm/api.ts';
import { ModuleBuilder } from '../../src/wasm/emitter.ts';
import { emitField, LIMBS, toLimbs } from '../../src/wasm/field.ts';

const FP = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
const FR = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

type K3 = (r: number, a: number, b: number) => void;
interface Exports {
  memory: WasmMemory;
  f_mul: K3;
  f_sqr: (r: number, a: number) => void;
  f_add: K3;
  f_sub: K3;
  f_reduce: (r: number, a: number) => void;
  f_eq: (a: number, b: number) => number;
  f_is_zero: (a: number) => number;
}

function random(bound: bigint): bigint {
  const w = crypto.getRandomValues(new BigUint64Array(5));
  return w.reduce((acc, x) => (acc << 64n) | x, 0n) % bound;
}

for (const [name, p] of [
  ['Fp', FP],
  ['Fr', FR],
] as const) {
  describe(`Montgomery arithmetic mod ${name}`, () => {
    const mod = new ModuleBuilder();
    emitField(mod, p, 'f');
    const x = instantiate<Exports>(compileModule(mod.encode(1, 1)));
    const mem = () => new Uint32Array(x.memory.buffer);
    const put = (ptr: number, v: bigint) => toLimbs(v).forEach((l, i) => (mem()[ptr / 4 + i] = Number(l)));
    const get = (ptr: number) => {
      let v = 0n;
      for (let i = LIMBS - 1; i >= 0; i--) v = (v << 29n) | BigInt(mem()[ptr / 4 + i]!);
      return v;
    };
    let rInv = 1n;
    for (let e = p - 2n, b = (1n << 261n) % p; e > 0n; e >>= 1n, b = (b * b) % p)
      if (e & 1n) rInv = (rInv * b) % p;
    const edges = [0n, 1n, p - 1n, p, p + 1n, 2n * p - 1n];

    it('mul and sqr: a·b·R⁻¹ for inputs below 8p, results below 2p', () => {
      const wide = [...edges, 4n * p, 8n * p - 1n];
      const values = [...wide, ...Array.from({ length: 300 }, (_, i) => random(i % 2 ? 2n * p : 8n * p))];
      for (let i = 0; i < values.length; i++) {
        const a = values[i]!;
        const b = values[(i * 7 + 3) % values.length]!;
        put(0, a);
        put(64, b);
        x.f_mul(128, 0, 64);
        const m = get(128);
        expect(m < 2n * p && m % p === (a * b * rInv) % p, `mul ${a} ${b}`).toBe(true);
        x.f_sqr(128, 0);
        const s = get(128);
        expect(s < 2n * p && s % p === (a * a * rInv) % p, `sqr ${a}`).toBe(true);
      }
    });

    it('add, sub, reduce, eq and isZero for inputs below 2p', () => {
      const values = [...edges, ...Array.from({ length: 300 }, () => random(2n * p))];
      for (let i = 0; i < values.length; i++) {
        const a = values[i]!;
        const b = values[(i * 5 + 1) % values.length]!;
        put(0, a);
        put(64, b);
        x.f_add(128, 0, 64);
        expect(get(128) < 2n * p && get(128) % p === (a + b) % p).toBe(true);
        x.f_sub(128, 0, 64);
        expect(get(128) < 2n * p && get(128) % p === (((a - b) % p) + p) % p).toBe(true);
        x.f_reduce(128, 0);
        expect(get(128)).toBe(a % p);
        expect(x.f_eq(0, 64)).toBe(a % p === b % p ? 1 : 0);
        put(64, (a + p) % (2n * p));
        expect(x.f_eq(0, 64)).toBe(1);
        expect(x.f_is_zero(0)).toBe(a % p === 0n ? 1 : 0);
      }
    });
  });
}
