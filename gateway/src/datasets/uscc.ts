/**
 * Unified social credit codes (统一社会信用代码), GB 32100-2015: 18 characters from a 31-character alphabet
 * (digits and capitals without I, O, S, V, Z), the last one a check character over the first 17 with
 * weights 3^i mod 31.
 */

/** The code alphabet in value order: '0' = 0 … 'Y' = 30. */
export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** Length of a code. */
export const USCC_LENGTH = 18;

const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < USCC_ALPHABET.length; i++) VALUE[USCC_ALPHABET.charCodeAt(i)] = i;

/**
 * The check character for the first 17 characters of a code.
 * @throws {RangeError} when `first17` is not 17 characters of the alphabet.
 */
export function usccCheckCharacter(first17: string): string {
  if (first17.length !== 17) throw new RangeError('first17 must be 17 characters');
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = valueAt(first17, i);
    if (v < 0) throw new RangeError(`first17 has a character outside the code alphabet at position ${i + 1}`);
    sum += v * WEIGHTS[i]!;
  }
  return USCC_ALPHABET[(31 - (sum % 31)) % 31]!;
}

/** Why `code` is not a valid unified social credit code, or `undefined` when it is. */
export function usccProblem(code: string): string | undefined {
  if (code.length !== USCC_LENGTH) return `must be ${USCC_LENGTH} characters, got ${code.length}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = valueAt(code, i);
    if (v < 0) return `character ${i + 1} is not in the code alphabet (0-9, A-Y without I, O, S, V, Z)`;
    sum += v * WEIGHTS[i]!;
  }
  const check = valueAt(code, 17);
  if (check < 0) return 'character 18 is not in the code alphabet (0-9, A-Y without I, O, S, V, Z)';
  if (check !== (31 - (sum % 31)) % 31) return 'check character does not match (GB 32100-2015)';
  return undefined;
}

/** True when `code` is a valid unified social credit code (upper case). */
export function isUscc(code: string): boolean {
  return usccProblem(code) === undefined;
}

/**
 * The code as an integer (base 31 over the alphabet): 31^18 < 2^90, so it is a BN254 field element, fit
 * for the circuits' subject inputs.
 * @throws {RangeError} when the code is invalid.
 */
export function usccToBigInt(code: string): bigint {
  const problem = usccProblem(code);
  if (problem !== undefined) throw new RangeError(`code ${problem}`);
  let value = 0n;
  for (let i = 0; i < USCC_LENGTH; i++) value = value * 31n + BigInt(valueAt(code, i));
  return value;
}

function valueAt(code: string, i: number): number {
  const c = code.charCodeAt(i);
  return c < 128 ? VALUE[c]! : -1;
}
