// A minimal WebAssembly binary writer (WebAssembly Core Specification 2.0, §5 "Binary Format") with the
// 128-bit SIMD instructions (§5.4.8), so the 4-lane SM3 kernel is built from TypeScript at load time
// without a .wat toolchain. Only what that kernel uses is here: i32 and v128 locals, loads, stores and
// arithmetic, bulk memory copy, blocks, loops and calls, one exported memory, exported functions.

/** Value types (§5.3.1). */
export const I32 = 0x7f;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof V128;

// Core opcodes (§5.4).
const OP = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  call: 0x10,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  i32Store: 0x36,
  i32Const: 0x41,
  i32Eqz: 0x45,
  i32LtU: 0x49,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
} as const;

// SIMD opcodes, after the 0xfd prefix (§5.4.8).
const SIMD = {
  v128Load: 0x00,
  v128Load32Splat: 0x09,
  v128Store: 0x0b,
  i32x4Splat: 0x11,
  v128Const: 0x0c,
  i8x16Shuffle: 0x0d,
  v128Not: 0x4d,
  v128And: 0x4e,
  v128AndNot: 0x4f,
  v128Or: 0x50,
  v128Xor: 0x51,
  v128Bitselect: 0x52,
  i32x4Shl: 0xab,
  i32x4ShrU: 0xad,
  i32x4Add: 0xae,
} as const;

function uleb(out: number[], value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) throw new RangeError(`uleb: ${value}`);
  let v = value;
  do {
    let byte = v & 0x7f;
    v = Math.floor(v / 128);
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
}

function sleb32(out: number[], value: number): void {
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return;
  }
}

/** A function body under construction: locals are declared up front, instructions appended in order. */
export class FunctionBody {
  readonly code: number[] = [];
  readonly #params: number;
  readonly #locals: ValType[] = [];

  /** `params` is the number of parameters, which are locals `0 .. params - 1`. */
  constructor(params: number) {
    this.#params = params;
  }

  /** Declares a local of type `type` and returns its index. */
  local(type: ValType): number {
    this.#locals.push(type);
    return this.#params + this.#locals.length - 1;
  }

  get(index: number): this {
    return this.#op(OP.localGet, index);
  }

  set(index: number): this {
    return this.#op(OP.localSet, index);
  }

  tee(index: number): this {
    return this.#op(OP.localTee, index);
  }

  i32(value: number): this {
    this.code.push(OP.i32Const);
    sleb32(this.code, value);
    return this;
  }

  add(): this {
    this.code.push(OP.i32Add);
    return this;
  }

  sub(): this {
    this.code.push(OP.i32Sub);
    return this;
  }

  mul(): this {
    this.code.push(OP.i32Mul);
    return this;
  }

  ltU(): this {
    this.code.push(OP.i32LtU);
    return this;
  }

  geU(): this {
    this.code.push(OP.i32GeU);
    return this;
  }

  eqz(): this {
    this.code.push(OP.i32Eqz);
    return this;
  }

  /** select [a, b, cond] → cond ? a : b. */
  select(): this {
    this.code.push(OP.select);
    return this;
  }

  /** i32.load with a constant byte offset (alignment hint 4). */
  load32(offset = 0): this {
    this.code.push(OP.i32Load, 2);
    uleb(this.code, offset);
    return this;
  }

  /** i32.store with a constant byte offset (alignment hint 4). */
  store32(offset = 0): this {
    this.code.push(OP.i32Store, 2);
    uleb(this.code, offset);
    return this;
  }

  /** memory.copy (bulk memory): [dest, src, length] → []. */
  memoryCopy(): this {
    this.code.push(0xfc);
    uleb(this.code, 10);
    this.code.push(0, 0);
    return this;
  }

  /** Starts a block (`block`), loop (`loop`) or `if` without a result. */
  open(kind: 'block' | 'loop' | 'if'): this {
    this.code.push(OP[kind], 0x40);
    return this;
  }

  else(): this {
    this.code.push(OP.else);
    return this;
  }

  end(): this {
    this.code.push(OP.end);
    return this;
  }

  br(depth: number): this {
    return this.#op(OP.br, depth);
  }

  brIf(depth: number): this {
    return this.#op(OP.brIf, depth);
  }

  call(func: number): this {
    return this.#op(OP.call, func);
  }

  /** v128.load with a constant byte offset; unaligned addresses are allowed (alignment hint 1). */
  load128(offset = 0): this {
    return this.#simdMem(SIMD.v128Load, 0, offset);
  }

  /** v128.store with a constant byte offset (alignment hint 1). */
  store128(offset = 0): this {
    return this.#simdMem(SIMD.v128Store, 0, offset);
  }

  /** v128.load32_splat: the i32 at the address in all four lanes. */
  load32Splat(offset = 0): this {
    return this.#simdMem(SIMD.v128Load32Splat, 2, offset);
  }

  /** v128.const with four i32 lanes. */
  const128(lanes: readonly [number, number, number, number]): this {
    this.#simd(SIMD.v128Const);
    for (const lane of lanes) {
      const v = lane >>> 0;
      this.code.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24);
    }
    return this;
  }

  /** i8x16.shuffle: byte k of the result is byte `lanes[k]` of (first ‖ second), 0..31. */
  shuffle(lanes: readonly number[]): this {
    if (lanes.length !== 16 || lanes.some((l) => !Number.isInteger(l) || l < 0 || l > 31)) {
      throw new RangeError('shuffle: expected 16 lane indices in 0..31');
    }
    this.#simd(SIMD.i8x16Shuffle);
    this.code.push(...lanes);
    return this;
  }

  /** i32x4.splat: the i32 on the stack in all four lanes. */
  splat(): this {
    return this.#simd(SIMD.i32x4Splat);
  }

  not(): this {
    return this.#simd(SIMD.v128Not);
  }

  and(): this {
    return this.#simd(SIMD.v128And);
  }

  andNot(): this {
    return this.#simd(SIMD.v128AndNot);
  }

  or(): this {
    return this.#simd(SIMD.v128Or);
  }

  xor(): this {
    return this.#simd(SIMD.v128Xor);
  }

  /** v128.bitselect [a, b, mask] → (a & mask) | (b & ~mask). */
  bitselect(): this {
    return this.#simd(SIMD.v128Bitselect);
  }

  /** i32x4.shl [v, count] → v. */
  shl(): this {
    return this.#simd(SIMD.i32x4Shl);
  }

  /** i32x4.shr_u [v, count] → v. */
  shrU(): this {
    return this.#simd(SIMD.i32x4ShrU);
  }

  /** i32x4.add. */
  add4(): this {
    return this.#simd(SIMD.i32x4Add);
  }

  /** The encoded body (§5.5.13): local declarations, then the code and `end`. */
  encode(): number[] {
    const groups: [number, ValType][] = [];
    for (const t of this.#locals) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    const body: number[] = [];
    uleb(body, groups.length);
    for (const [n, t] of groups) {
      uleb(body, n);
      body.push(t);
    }
    append(body, this.code);
    body.push(OP.end);
    const out: number[] = [];
    uleb(out, body.length);
    append(out, body);
    return out;
  }

  #op(opcode: number, immediate: number): this {
    this.code.push(opcode);
    uleb(this.code, immediate);
    return this;
  }

  #simd(opcode: number): this {
    this.code.push(0xfd);
    uleb(this.code, opcode);
    return this;
  }

  #simdMem(opcode: number, alignLog2: number, offset: number): this {
    this.#simd(opcode);
    this.code.push(alignLog2);
    uleb(this.code, offset);
    return this;
  }
}

/** A function of the module: its signature, body and, if exported, its name. */
export interface ModuleFunction {
  params: readonly ValType[];
  results: readonly ValType[];
  body: FunctionBody;
  export?: string;
}

// Appends without spreading: a kernel body is tens of thousands of bytes, past spread's argument limit.
function append(out: number[], bytes: readonly number[]): void {
  for (let i = 0; i < bytes.length; i++) out.push(bytes[i]!);
}

function section(out: number[], id: number, content: number[]): void {
  out.push(id);
  uleb(out, content.length);
  append(out, content);
}

function name(out: number[], text: string): void {
  const bytes = new TextEncoder().encode(text);
  uleb(out, bytes.length);
  out.push(...bytes);
}

/**
 * Encodes a module of `functions` (function i has index i) with one memory of `memoryPages` 64 KiB
 * pages, growable to `maxPages`, exported as `memory`.
 */
export function encodeModule(
  functions: readonly ModuleFunction[],
  memoryPages: number,
  maxPages: number,
): Uint8Array {
  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  // Type section: one type per function (duplicates are allowed and keep indices simple).
  const types: number[] = [];
  uleb(types, functions.length);
  for (const f of functions) {
    types.push(0x60);
    uleb(types, f.params.length);
    types.push(...f.params);
    uleb(types, f.results.length);
    types.push(...f.results);
  }
  section(out, 1, types);
  const funcs: number[] = [];
  uleb(funcs, functions.length);
  functions.forEach((_, i) => uleb(funcs, i));
  section(out, 3, funcs);
  const memory: number[] = [1, 0x01];
  uleb(memory, memoryPages);
  uleb(memory, maxPages);
  section(out, 5, memory);
  const exported = functions.flatMap((f, i) => (f.export === undefined ? [] : [[f.export, i] as const]));
  const exports: number[] = [];
  uleb(exports, exported.length + 1);
  name(exports, 'memory');
  exports.push(0x02, 0);
  for (const [n, i] of exported) {
    name(exports, n);
    exports.push(0x00);
    uleb(exports, i);
  }
  section(out, 7, exports);
  const code: number[] = [];
  uleb(code, functions.length);
  for (const f of functions) append(code, f.body.encode());
  section(out, 10, code);
  return Uint8Array.from(out);
}
