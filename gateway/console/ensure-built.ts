/**
 * Builds the web console when its build is missing or older than its sources (the console's own and the
 * packages it bundles), or always with `--force`: for the browser tests' setup and `npm run demo`, so a
 * fresh clone needs no separate build step and a stale build is never tested. `npm run console:build` is
 * the plain build.
 *
 *   tsx gateway/console/ensure-built.ts [--force]
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** Where the console is built (the gateway's default `/console` directory). */
export const CONSOLE_DIST = resolve(here, 'dist');

/** What the bundle is built from: the console and the package sources it imports. */
const SOURCES = [
  here,
  resolve(here, '../src'),
  resolve(here, '../../ledger/src'),
  resolve(here, '../../accel/src'),
  resolve(here, '../../circuits/src'),
];

/** The newest modification time of the files under `dir` (skipping `dist` and `node_modules`), ms. */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/** Whether the build is missing or older than a source. */
export function consoleBuildIsStale(): boolean {
  const index = join(CONSOLE_DIST, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  return SOURCES.some((dir) => newest(dir) > built);
}

/**
 * Runs Vite's build of the console unless the build is there and up to date.
 * @returns the build directory and whether it was built now.
 */
export async function ensureConsoleBuilt(options: { force?: boolean; quiet?: boolean } = {}): Promise<{
  dir: string;
  built: boolean;
}> {
  if (!options.force && !consoleBuildIsStale()) return { dir: CONSOLE_DIST, built: false };
  const { build } = await import('vite');
  await build({ configFile: join(here, 'vite.config.ts'), logLevel: options.quiet ? 'error' : 'info' });
  if (!existsSync(join(CONSOLE_DIST, 'index.html')))
    throw new Error(`the console build wrote no ${CONSOLE_DIST}/index.html`);
  return { dir: CONSOLE_DIST, built: true };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { dir, built } = await ensureConsoleBuilt({ force: process.argv.includes('--force') });
  process.stdout.write(built ? `console built in ${dir}\n` : `console already built in ${dir}\n`);
}
