// npm run bench:gateway [-- --quick] [-- --json]: the gateway benchmarks with the same flags.
//
//   ingest.ts    gateway.ingest            CSV → SQLite in process, against one INSERT per row
//   mpc.ts       gateway.mpc.*             the MPC engine in memory, against its message floor
//   network.ts   gateway.query.k0 / .k2    the headline: queries on the demo network (4 validator and
//                gateway.ingest.http       4 gateway processes), against the clear computation; HTTP
//                                          ingest against the in-process import
//   commit.ts    gateway.commit(.hash)     build + anchor a 10^6-record dataset (quick 5·10^4)
//
// `query.ts` (the same queries with 4 gateways in one process and a LocalLedger) is not in the default
// run, to keep the full run within ≈ 6 minutes; run it alone, or pass --in-process here.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const benches = ['ingest.ts', 'mpc.ts', 'network.ts', 'commit.ts'];
if (args.includes('--in-process')) benches.push('query.ts');
for (const bench of benches) {
  const file = fileURLToPath(new URL(`./${bench}`, import.meta.url));
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', file, ...args.filter((a) => a !== '--in-process')],
    { stdio: 'inherit' },
  );
  if (r.status !== 0) process.exit(r.status ?? 1);
}
