// The committed artifacts must match the sources: runs `circuits:build --check` as CI does (source and
// compiler hashes, artifact hashes, and a real recompile of the smallest circuits compared by r1cs hash).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

it('committed circuit artifacts match the sources (circuits:build --check)', () => {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'scripts/src/circuits-build.ts', '--check'],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  expect(result.stderr).toContain('artifacts match the sources');
  expect(result.status, result.stderr).toBe(0);
}, 150_000);
