/**
 * Witness generation for circom 2 WASM witness generators, compiled once and reused across proofs.
 *
 * The generator's ABI (circom 2.x): inputs are written limb by limb into a shared 32-bit buffer and set with
 * `setInputSignal(hashHigh, hashLow, index)`, where the hash is the 64-bit FNV-1a of the signal name; the
 * witness is read back element by element with `getWitness(i)` + `readSharedRWMemory(j)`. Failed asserts and
 * constraints call the imported `exceptionHandler` after `printErrorMessage` has delivered the message.
 */
import { CircuitError } from '../errors.ts';
import type { EncodedInput } from '../inputs/signals.ts';

interface GeneratorExports {
  getVersion(): number;
  getFieldNumLen32(): number;
  getRawPrime(): void;
  getWitnessSize(): number;
  getInputSize(): number;
  getInputSignalSize(hashHigh: number, hashLow: number): number;
  init(sanityCheck: number): void;
  readSharedRWMemory(index: number): number;
  writeSharedRWMemory(index: number, value: number): void;
  setInputSignal(hashHigh: number, hashLow: number, index: number): void;
  getWitness(index: number): void;
  getMessageChar(): number;
}

// lib ES2023 without DOM types declares no WebAssembly value; describe the two calls used here.
interface WasmApi {
  compile(bytes: Uint8Array): Promise<object>;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: unknown };
}
const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const EXCEPTIONS: Record<number, string> = {
  1: 'signal not found',
  2: 'too many signals set',
  3: 'signal already set',
  4: 'assert failed',
  5: 'not enough memory',
  6: 'input signal array access exceeds the size',
  7: 'out of bounds array access',
};

/** FNV-1a, 64-bit, over the UTF-16 code units of the name (as circom's runtime hashes signal names). */
export function signalNameHash(name: string): [high: number, low: number] {
  let hash = 0xcbf29ce484222325n;
  for (let i = 0; i < name.length; i++) {
    hash ^= BigInt(name.charCodeAt(i));
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return [Number(hash >> 32n), Number(hash & 0xffffffffn)];
}

/** A compiled witness generator. `calculate` is synchronous and not reentrant: one call at a time. */
export class WitnessCalculator {
  readonly circuit: string;
  readonly #module: object;
  #instance: GeneratorExports | undefined;
  #errors = '';
  #n32 = 0;
  #witnessSize = 0;
  readonly #hashes = new Map<string, [number, number]>();

  private constructor(circuit: string, module: object) {
    this.circuit = circuit;
    this.#module = module;
  }

  /** Compiles the generator's WASM once. */
  static async compile(circuit: string, wasm: Uint8Array): Promise<WitnessCalculator> {
    const calculator = new WitnessCalculator(circuit, await Wasm.compile(wasm));
    calculator.#instantiate();
    return calculator;
  }

  /** Number of field elements in the witness (wire 0 is the constant 1). */
  get witnessSize(): number {
    return this.#witnessSize;
  }

  #instantiate(): GeneratorExports {
    const readMessage = () => {
      let message = '';
      for (let c = exports.getMessageChar(); c !== 0; c = exports.getMessageChar())
        message += String.fromCharCode(c);
      return message;
    };
    const instance = new Wasm.Instance(this.#module, {
      runtime: {
        exceptionHandler: (code: number) => {
          throw new Error(
            `${EXCEPTIONS[code] ?? `error ${code}`}${this.#errors ? `: ${this.#errors.trim()}` : ''}`,
          );
        },
        printErrorMessage: () => {
          this.#errors += `${readMessage()}\n`;
        },
        // `log()` output from circuits is not used in production circuits; drop it.
        writeBufferMessage: () => {
          readMessage();
        },
        showSharedRWMemory: () => {},
      },
    });
    const exports = instance.exports as unknown as GeneratorExports;
    this.#n32 = exports.getFieldNumLen32();
    this.#witnessSize = exports.getWitnessSize();
    this.#instance = exports;
    return exports;
  }

  #hash(name: string): [number, number] {
    let hash = this.#hashes.get(name);
    if (!hash) {
      hash = signalNameHash(name);
      this.#hashes.set(name, hash);
    }
    return hash;
  }

  /**
   * Computes the witness: `witnessSize` field elements of 32 bytes, little-endian, standard form — the layout
   * of a `.wtns` file's data section.
   * @throws {CircuitError} `WITNESS_FAILED` when an assert or constraint fails or an input is rejected.
   */
  calculate(input: EncodedInput): Uint8Array {
    const exports = this.#instance ?? this.#instantiate();
    const n32 = this.#n32;
    this.#errors = '';
    try {
      exports.init(1);
      let set = 0;
      for (const [name, value] of Object.entries(input)) {
        const [high, low] = this.#hash(name);
        const values = Array.isArray(value) ? (value.flat(8) as string[]) : [value];
        const size = exports.getInputSignalSize(high, low);
        if (size < 0) throw new Error(`input signal ${name} not found`);
        if (size !== values.length)
          throw new Error(`input signal ${name} takes ${size} values, got ${values.length}`);
        for (let i = 0; i < values.length; i++) {
          let v = BigInt(values[i]!);
          for (let j = 0; j < n32; j++) {
            exports.writeSharedRWMemory(j, Number(v & 0xffffffffn));
            v >>= 32n;
          }
          exports.setInputSignal(high, low, i);
          set++;
        }
      }
      if (set < exports.getInputSize())
        throw new Error(`only ${set} of ${exports.getInputSize()} inputs set`);
      const out = new Uint32Array(this.#witnessSize * n32);
      for (let i = 0, pos = 0; i < this.#witnessSize; i++, pos += n32) {
        exports.getWitness(i);
        for (let j = 0; j < n32; j++) out[pos + j] = exports.readSharedRWMemory(j);
      }
      return new Uint8Array(out.buffer);
    } catch (error) {
      // A trapped instance may hold half-written state: start the next call from a fresh one.
      this.#instance = undefined;
      const reason = error instanceof Error ? error.message : String(error);
      throw new CircuitError('WITNESS_FAILED', `${this.circuit}: witness generation failed: ${reason}`, {
        circuit: this.circuit,
        reason,
      });
    }
  }
}

/** Wraps raw witness data in the `.wtns` binary format (version 2) that snarkjs reads. */
export function toWtnsFile(witness: Uint8Array, n8 = 32): Uint8Array {
  const count = witness.length / n8;
  const prime = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
  const header = 12 + 12 + 4 + n8 + 4 + 12;
  const out = new Uint8Array(header + witness.length);
  const view = new DataView(out.buffer);
  out.set([0x77, 0x74, 0x6e, 0x73]); // "wtns"
  view.setUint32(4, 2, true);
  view.setUint32(8, 2, true);
  let o = 12;
  view.setUint32(o, 1, true);
  view.setBigUint64(o + 4, BigInt(4 + n8 + 4), true);
  view.setUint32(o + 12, n8, true);
  o += 16;
  let p = prime;
  for (let i = 0; i < n8; i++, p >>= 8n) out[o + i] = Number(p & 0xffn);
  o += n8;
  view.setUint32(o, count, true);
  o += 4;
  view.setUint32(o, 2, true);
  view.setBigUint64(o + 4, BigInt(witness.length), true);
  o += 12;
  out.set(witness, o);
  return out;
}
