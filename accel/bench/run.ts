// npm run bench:accel [-- --quick] [-- --json] [-- --only=sm3|sm2|groth16|poseidon|webgpu] [-- --no-webgpu]
// webgpu lines appear whenever a WebGPU adapter exists (a software one included, and labelled so).
import { benchGroth16 } from './groth16.ts';
import { parseFlags, print } from './harness.ts';
import { benchPoseidon } from './poseidon.ts';
import { benchSm2 } from './sm2.ts';
import { benchSm3 } from './sm3.ts';
import { benchWebGpu } from './webgpu.ts';

const flags = parseFlags();
const only = process.argv
  .slice(2)
  .find((a) => a.startsWith('--only='))
  ?.slice(7);
const lines = [
  ...(only === undefined || only === 'sm3' ? await benchSm3(flags) : []),
  ...(only === undefined || only === 'sm2' ? await benchSm2(flags) : []),
  ...(only === undefined || only === 'groth16' ? await benchGroth16(flags) : []),
  ...(only === undefined || only === 'poseidon' ? await benchPoseidon(flags) : []),
  ...((only === undefined && !process.argv.includes('--no-webgpu')) || only === 'webgpu'
    ? await benchWebGpu(flags)
    : []),
];
print(lines, flags);
