// npm run bench:accel [-- --quick] [-- --json]
import { parseFlags, print } from './harness.ts';
import { benchSm2 } from './sm2.ts';
import { benchSm3 } from './sm3.ts';

const flags = parseFlags();
const only = process.argv
  .slice(2)
  .find((a) => a.startsWith('--only='))
  ?.slice(7);
const lines = [
  ...(only === undefined || only === 'sm3' ? await benchSm3(flags) : []),
  ...(only === undefined || only === 'sm2' ? await benchSm2(flags) : []),
];
print(lines, flags);
