import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PoseidonPool } from '../../src/commitments/index.ts';

const POOL = fileURLToPath(new URL('../../src/commitments/poseidon-pool.ts', import.meta.url));

describe('PoseidonPool', () => {
  it('keeps the process alive while it hashes, and lets it exit when idle', () => {
    // A process whose only pending work is a hash on the pool: it must print the result and exit 0
    // (an unreferenced busy worker let Node exit 13, "unsettled top-level await").
    const script = `
      const { PoseidonPool } = await import(${JSON.stringify(POOL)});
      const pool = await PoseidonPool.create({ workers: 1 });
      const out = await pool.hashGroups(new BigUint64Array(4 * 2 * 4096), 2);
      console.log('hashed', out.length / 4);
    `;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.stderr).not.toMatch(/unsettled/);
    expect(r.stdout.trim()).toBe('hashed 4096');
    expect(r.status).toBe(0);
  });

  it('hashes on workers what it hashes on the calling thread', async () => {
    const input = new BigUint64Array(4 * 2 * 256).map((_, i) => BigInt(i % 97));
    const pool = await PoseidonPool.create({ workers: 1 });
    const local = await PoseidonPool.create({ workers: 0 });
    try {
      expect(await pool.hashGroups(input, 2)).toEqual(await local.hashGroups(input, 2));
    } finally {
      await pool.close();
      await local.close();
    }
  });
});
