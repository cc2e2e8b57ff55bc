/** Placeholder engine: snarkjs prove from memory. Replaced below once measured. */
import { snarkjs } from '../vendor/snarkjs.ts';
import { toWtnsFile } from './witness-calculator.ts';
import { parseZkey } from './zkey.ts';

export class Groth16Engine {
  readonly nVars: number;
  readonly #zkey: Uint8Array;
  private constructor(zkey: Uint8Array, nVars: number) {
    this.#zkey = zkey;
    this.nVars = nVars;
  }
  static async load(zkey: Uint8Array): Promise<Groth16Engine> {
    return new Groth16Engine(zkey, parseZkey(zkey).nVars);
  }
  async prove(witness: Uint8Array) {
    return snarkjs.groth16.prove(this.#zkey, toWtnsFile(witness));
  }
}
