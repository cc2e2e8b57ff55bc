// npm run bench:ledger [-- --quick] [-- --json]: every ledger benchmark with the same flags.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

for (const bench of ['app.ts', 'network.ts']) {
  const file = fileURLToPath(new URL(`./${bench}`, import.meta.url));
  const r = spawnSync(process.execPath, ['--import', 'tsx', file, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
