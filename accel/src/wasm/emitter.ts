// A minimal WebAssembly binary emitter (WebAssembly Core Specification 1.0, §5 "Binary Format"):
// enough to build modules of straight-line integer kernels from TypeScript at run time, so the field
// arithmetic can be specialised to a modulus (its limbs become immediates) without a .wat toolchain.
//
// Only what the kernels use is here: i32/i64 arithmetic, loads/stores, locals, calls, blocks and loops,
// one memory defined by the module, exported functions.

/** Value types. */
export const I32 = 0x7f;
export const I64 = 0x7e;
export type ValType = typeof I32 | typeof I64;

/** Opcodes used by the kernels (spec §5.4). */
export const Op = {
  unreachable: 0x00,
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  return: 0x0f,
  call: 0x10,
  drop: 0x1a,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  i64Load: 0x29,
  i64Load32U: 0x35,
  i32Store: 0x36,
  i64Store: 0x37,
  i64Store32: 0x3e,
  i32Const: 0x41,
  i64Const: 0x42,
  i32Eqz: 0x45,
  i32Eq: 0x46,
  i32Ne: 0x47,
  i32LtS: 0x48,
  i32LtU: 0x49,
  i32GtU: 0x4b,
  i32GeU: 0x4f,
  i64Eqz: 0x50,
  i64Eq: 0x51,
  i64Ne: 0x52,
  i64LtS: 0x53,
  i64LtU: 0x54,
  i64GtU: 0x56,
  i64GeU: 0x5a,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32And: 0x71,
  i32Or: 0x72,
  i32Xor: 0x73,
  i32Shl: 0x74,
  i32ShrS: 0x75,
  i32ShrU: 0x76,
  i64Add: 0x7c,
  i64Sub: 0x7d,
  i64Mul: 0x7e,
  i64And: 0x83,
  i64Or: 0x84,
  i64Xor: 0x85,
  i64Shl: 0x86,
  i64ShrS: 0x87,
  i64ShrU: 0x88,
  i32WrapI64: 0xa7,
  i64ExtendI32U: 0xad,
} as const;

/** Block type "no result". */
const EMPTY_BLOCK = 0x40;

function uleb(out: number[], value: number): void {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`uleb: ${value}`);
  let v = value;
  do {
    let byte = v & 0x7f;
    v = Math.floor(v / 128);
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
}

function sleb(out: number[], value: bigint): void {
  let v = value;
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    const signBit = (byte & 0x40) !== 0;
    if ((v === 0n && !signBit) || (v === -1n && signBit)) {
      out.push(byte);
      return;
    }
    out.push(byte | 0x80);
  }
}

/** Appends without spreading (a spread of a large array overflows the call stack). */
function append(out: number[], items: readonly number[]): void {
  for (let i = 0; i < items.length; i++) out.push(items[i]!);
}

function utf8(out: number[], s: string): void {
  const bytes = new TextEncoder().encode(s);
  uleb(out, bytes.length);
  append(out, Array.from(bytes));
}

/** The body of one function under construction. Locals are numbered after the parameters. */
export class FunctionBuilder {
  readonly code: number[] = [];
  readonly #locals: ValType[] = [];

  constructor(
    readonly name: string,
    readonly params: readonly ValType[],
    readonly results: readonly ValType[],
    readonly exported: boolean,
    readonly index: number,
  ) {}

  /** A new local of type `t`; returns its index. */
  local(t: ValType): number {
    this.#locals.push(t);
    return this.params.length + this.#locals.length - 1;
  }

  /** `n` new locals of type `t`. */
  locals(t: ValType, n: number): number[] {
    return Array.from({ length: n }, () => this.local(t));
  }

  /** Raw opcode (and immediates already encoded). */
  op(...bytes: number[]): this {
    append(this.code, bytes);
    return this;
  }

  get(i: number): this {
    this.code.push(Op.localGet);
    uleb(this.code, i);
    return this;
  }

  set(i: number): this {
    this.code.push(Op.localSet);
    uleb(this.code, i);
    return this;
  }

  tee(i: number): this {
    this.code.push(Op.localTee);
    uleb(this.code, i);
    return this;
  }

  i32(v: number): this {
    this.code.push(Op.i32Const);
    sleb(this.code, BigInt(v | 0));
    return this;
  }

  i64(v: bigint | number): this {
    this.code.push(Op.i64Const);
    sleb(this.code, BigInt.asIntN(64, BigInt(v)));
    return this;
  }

  /** A memory access with a static offset; `align` is log2 of the natural alignment. */
  mem(opcode: number, offset: number, align: number): this {
    this.code.push(opcode);
    uleb(this.code, align);
    uleb(this.code, offset);
    return this;
  }

  /** i64 from the u32 at [address on stack] + offset. */
  load32u(offset: number): this {
    return this.mem(Op.i64Load32U, offset, 2);
  }

  /** Stores the low 32 bits of an i64 at [address] + offset (stack: address, value). */
  store32(offset: number): this {
    return this.mem(Op.i64Store32, offset, 2);
  }

  i32Load(offset: number): this {
    return this.mem(Op.i32Load, offset, 2);
  }

  i32Store(offset: number): this {
    return this.mem(Op.i32Store, offset, 2);
  }

  call(fn: FunctionBuilder | number): this {
    this.code.push(Op.call);
    uleb(this.code, typeof fn === 'number' ? fn : fn.index);
    return this;
  }

  block(): this {
    return this.op(Op.block, EMPTY_BLOCK);
  }

  loop(): this {
    return this.op(Op.loop, EMPTY_BLOCK);
  }

  if(): this {
    return this.op(Op.if, EMPTY_BLOCK);
  }

  /** The `else` of an `if` block. */
  otherwise(): this {
    return this.op(Op.else);
  }

  end(): this {
    return this.op(Op.end);
  }

  br(depth: number): this {
    this.code.push(Op.br);
    uleb(this.code, depth);
    return this;
  }

  brIf(depth: number): this {
    this.code.push(Op.brIf);
    uleb(this.code, depth);
    return this;
  }

  // i64 arithmetic on the two values on top of the stack.
  add64(): this {
    return this.op(Op.i64Add);
  }
  sub64(): this {
    return this.op(Op.i64Sub);
  }
  mul64(): this {
    return this.op(Op.i64Mul);
  }
  and64(): this {
    return this.op(Op.i64And);
  }
  or64(): this {
    return this.op(Op.i64Or);
  }
  xor64(): this {
    return this.op(Op.i64Xor);
  }
  shl64(): this {
    return this.op(Op.i64Shl);
  }
  shrU64(): this {
    return this.op(Op.i64ShrU);
  }
  shrS64(): this {
    return this.op(Op.i64ShrS);
  }
  eqz64(): this {
    return this.op(Op.i64Eqz);
  }
  // i32 arithmetic.
  add32(): this {
    return this.op(Op.i32Add);
  }
  sub32(): this {
    return this.op(Op.i32Sub);
  }

  /** The encoded body: locals declaration, code, end. */
  encode(): number[] {
    const body: number[] = [];
    const groups: [number, ValType][] = [];
    for (const t of this.#locals) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    uleb(body, groups.length);
    for (const [n, t] of groups) {
      uleb(body, n);
      body.push(t);
    }
    append(body, this.code);
    body.push(Op.end);
    const out: number[] = [];
    uleb(out, body.length);
    append(out, body);
    return out;
  }
}

/** A module: functions plus one exported memory named "memory". */
export class ModuleBuilder {
  readonly #functions: FunctionBuilder[] = [];

  /** Declares a function; its body is filled in by the caller (before `compile`). */
  func(
    name: string,
    params: readonly ValType[],
    results: readonly ValType[] = [],
    exported = true,
  ): FunctionBuilder {
    const fn = new FunctionBuilder(name, params, results, exported, this.#functions.length);
    this.#functions.push(fn);
    return fn;
  }

  /** The binary module with `pages` 64 KiB pages of memory (grow-able to `maxPages`). */
  encode(pages: number, maxPages: number): Uint8Array {
    const types: string[] = [];
    const typeOf = (fn: FunctionBuilder): number => {
      const key = `${fn.params.join(',')}:${fn.results.join(',')}`;
      let i = types.indexOf(key);
      if (i < 0) i = types.push(key) - 1;
      return i;
    };
    const funcTypes = this.#functions.map(typeOf);
    const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    const section = (id: number, content: number[]) => {
      out.push(id);
      uleb(out, content.length);
      append(out, content);
    };
    const typeSec: number[] = [];
    uleb(typeSec, types.length);
    for (const key of types) {
      const [p, r] = key.split(':') as [string, string];
      const params = p ? p.split(',').map(Number) : [];
      const results = r ? r.split(',').map(Number) : [];
      typeSec.push(0x60);
      uleb(typeSec, params.length);
      typeSec.push(...params);
      uleb(typeSec, results.length);
      typeSec.push(...results);
    }
    section(1, typeSec);
    const funcSec: number[] = [];
    uleb(funcSec, funcTypes.length);
    for (const t of funcTypes) uleb(funcSec, t);
    section(3, funcSec);
    const memSec: number[] = [1, 0x01];
    uleb(memSec, pages);
    uleb(memSec, maxPages);
    section(5, memSec);
    const exports = this.#functions.filter((f) => f.exported);
    const expSec: number[] = [];
    uleb(expSec, exports.length + 1);
    utf8(expSec, 'memory');
    expSec.push(0x02, 0x00);
    for (const f of exports) {
      utf8(expSec, f.name);
      expSec.push(0x00);
      uleb(expSec, f.index);
    }
    section(7, expSec);
    const codeSec: number[] = [];
    uleb(codeSec, this.#functions.length);
    for (const f of this.#functions) append(codeSec, f.encode());
    section(10, codeSec);
    return Uint8Array.from(out);
  }
}
