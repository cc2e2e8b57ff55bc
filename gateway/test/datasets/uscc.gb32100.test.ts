import { describe, expect, it } from 'vitest';
import { isUscc, usccCheckCharacter, usccProblem, usccToBigInt } from '../../src/datasets/index.ts';

// Codes of registered enterprises as published on their business licences (GB 32100-2015 format).
const PUBLISHED = ['914403001922038216', '91330100716105852F', '91440300708461136T', '91110108551385082Q'];

describe('unified social credit codes (GB 32100-2015)', () => {
  it('accepts published codes and recomputes their check characters', () => {
    for (const code of PUBLISHED) {
      expect(isUscc(code)).toBe(true);
      expect(usccCheckCharacter(code.slice(0, 17))).toBe(code[17]);
    }
  });

  it('rejects a wrong check character, a wrong length and characters outside the alphabet', () => {
    expect(usccProblem('914403001922038217')).toMatch(/check character/);
    expect(usccProblem('91440300192203821')).toMatch(/18 characters/);
    expect(usccProblem('91440300192203821I')).toMatch(/character 18/);
    expect(usccProblem('9144030O1922038216')).toMatch(/character 8 /);
    expect(usccProblem('914403001922038216')).toBeUndefined();
  });

  it('maps codes to distinct integers below 31^18 (BN254 field elements)', () => {
    const values = PUBLISHED.map(usccToBigInt);
    expect(new Set(values).size).toBe(PUBLISHED.length);
    for (const v of values) expect(v < 31n ** 18n).toBe(true);
    expect(usccToBigInt('000000000000000000')).toBe(0n);
    expect(() => usccToBigInt('914403001922038217')).toThrow(RangeError);
  });
});
