/**
 * The application side of the simulation: which blocks exist and which of them are valid. Honest
 * validators propose distinct valid blocks (so a safety bug shows up as two different decisions);
 * Byzantine ones may propose alternative valid blocks or blocks the application marks invalid.
 * Block hashes are SHA-256 of a label, so they look like real 32-byte hashes.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { toHex } from '../../src/consensus/bytes.ts';

/** Registry of every block hash the run created, valid or not. */
export class BlockRegistry {
  private readonly valid = new Set<string>();
  private readonly invalid = new Set<string>();

  constructor(private readonly seed: number) {}

  private make(label: string, valid: boolean): Uint8Array {
    const hash = sha256(new TextEncoder().encode(`privgate-sim-block|${this.seed}|${label}`));
    (valid ? this.valid : this.invalid).add(toHex(hash));
    return hash;
  }

  /** The block honest validator `node` proposes at `height` (valid). */
  honestValue(node: number, height: number): Uint8Array {
    return this.make(`honest|${node}|${height}`, true);
  }

  /** A valid block a Byzantine validator can use to equivocate. */
  alternative(label: string): Uint8Array {
    return this.make(`alt|${label}`, true);
  }

  /** A block the application marks invalid. */
  invalidBlock(label: string): Uint8Array {
    return this.make(`invalid|${label}`, false);
  }

  /** What an honest node's application answers to a validation request. */
  isValid(hash: Uint8Array): boolean {
    return this.valid.has(toHex(hash));
  }

  /** Whether the hash was created as an invalid block (for the validity invariant's message). */
  isMarkedInvalid(hash: Uint8Array): boolean {
    return this.invalid.has(toHex(hash));
  }
}
