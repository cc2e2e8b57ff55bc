// Completes package-lock.json with entries for platform-specific optional packages (biome, rollup)
// that npm 11 leaves out when the registry it talks to does not serve other platforms' binaries
// (npm/cli#4828): `npm ci` then refuses the lockfile as out of sync. Each missing optional dependency
// pinned to an exact version gets a stub entry whose os/cpu/libc come from its package name, so npm ci
// skips it here and fetches it by name@version on the platform it is for. Runs as `postinstall`, so an
// `npm install` that drops the stubs puts them back; it changes nothing when the lockfile is complete.
import { readFileSync, writeFileSync } from 'node:fs';

const OS = [
  'aix',
  'android',
  'darwin',
  'freebsd',
  'linux',
  'netbsd',
  'openbsd',
  'openharmony',
  'sunos',
  'win32',
];
const CPU = ['arm', 'arm64', 'ia32', 'loong64', 'mips64el', 'ppc64', 'riscv64', 's390x', 'x64'];

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const pkgs = lock.packages ?? {};
let added = 0;
for (const [where, entry] of Object.entries(pkgs)) {
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
    if (pkgs[`node_modules/${name}`] || pkgs[`${where}/node_modules/${name}`]) continue;
    const parts = name.split('/').pop().split('-');
    const os = parts.find((p) => OS.includes(p));
    const cpu = parts.find((p) => CPU.includes(p));
    if (!os || !cpu || !/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(range)) continue; // not a platform binary: leave it to npm
    const libc = parts.includes('musl')
      ? ['musl']
      : os === 'linux' && parts.includes('gnu')
        ? ['glibc']
        : undefined;
    pkgs[`node_modules/${name}`] = {
      version: range,
      cpu: [cpu],
      optional: true,
      os: [os],
      ...(libc ? { libc } : {}),
    };
    added++;
  }
}
if (added > 0) {
  lock.packages = Object.fromEntries(
    Object.entries(pkgs).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)),
  );
  writeFileSync(path, JSON.stringify(lock, null, 2) + '\n');
  console.log(`complete-lockfile: added ${added} platform stub entr${added === 1 ? 'y' : 'ies'}`);
}
