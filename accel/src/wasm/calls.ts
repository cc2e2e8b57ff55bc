// A small layer over the emitter for kernels written as sequences of calls on memory operands: an
// operand is either a static address (scratch or a constant the runtime writes at start-up) or a
// parameter pointer plus a byte offset (a component of an Fp2/Fp6/Fp12 element). Each generated function
// gets its own scratch, so a function may call any other without its temporaries being clobbered
// (no function calls itself, directly or not).
import { type FunctionBuilder, I32, type ModuleBuilder } from './emitter.ts';

/** A pointer parameter (local index) plus a byte offset. */
export class Arg {
  constructor(
    readonly local: number,
    readonly offset = 0,
  ) {}

  /** The same pointer `bytes` further on. */
  at(bytes: number): Arg {
    return new Arg(this.local, this.offset + bytes);
  }
}

/** A memory operand: a static address or a parameter-relative one. */
export type Addr = number | Arg;

/** Moves `addr` by `bytes`. */
export function offset(addr: Addr, bytes: number): Addr {
  return typeof addr === 'number' ? addr + bytes : addr.at(bytes);
}

/** Hands out static scratch memory from a fixed region. */
export class StaticMemory {
  #top: number;

  constructor(
    base: number,
    readonly limit: number,
  ) {
    this.#top = base;
  }

  /** Reserves `bytes` (8-byte aligned). */
  alloc(bytes: number): number {
    const at = this.#top;
    this.#top += (bytes + 7) & ~7;
    if (this.#top > this.limit) throw new Error('static memory exhausted');
    return at;
  }

  get top(): number {
    return this.#top;
  }
}

/** The body of a call-style kernel. */
export class Kernel {
  constructor(
    readonly f: FunctionBuilder,
    readonly memory: StaticMemory,
  ) {}

  /** Scratch of `bytes` owned by this function. */
  tmp(bytes: number): number {
    return this.memory.alloc(bytes);
  }

  /** Pushes an operand's address. */
  push(a: Addr): this {
    if (typeof a === 'number') this.f.i32(a);
    else {
      this.f.get(a.local);
      if (a.offset !== 0) this.f.i32(a.offset).add32();
    }
    return this;
  }

  /** Calls `fn` with pointer operands (and optional raw i32 arguments given as `{ i32: n }`). */
  call(fn: FunctionBuilder, ...args: (Addr | { i32: number })[]): this {
    for (const a of args) {
      if (typeof a === 'object' && !(a instanceof Arg)) this.f.i32(a.i32);
      else this.push(a);
    }
    this.f.call(fn);
    return this;
  }
}

/**
 * Declares a function of `arity` i32 pointer parameters whose body `body` receives as `Arg`s; with
 * `returnsI32` the body leaves an i32 on the stack (predicates).
 */
export function kernel(
  mod: ModuleBuilder,
  memory: StaticMemory,
  name: string,
  arity: number,
  body: (k: Kernel, args: Arg[]) => void,
  returnsI32 = false,
): FunctionBuilder {
  const f = mod.func(name, new Array(arity).fill(I32), returnsI32 ? [I32] : [], true);
  body(
    new Kernel(f, memory),
    Array.from({ length: arity }, (_, i) => new Arg(i)),
  );
  return f;
}
