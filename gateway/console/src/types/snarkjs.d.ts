// snarkjs ships no type declarations; the console uses only Groth16 verification (its browser build).
// Declared for the console's own TypeScript project only (`gateway/console/tsconfig.json`).
declare module 'snarkjs' {
  export const groth16: {
    verify(
      vkey: Record<string, unknown>,
      publicSignals: readonly string[],
      proof: Record<string, unknown>,
      logger?: unknown,
    ): Promise<boolean>;
  };
}
