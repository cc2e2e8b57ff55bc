/**
 * Builds the web console when its build is missing (or always, with `--force`): for the browser tests'
 * setup and `npm run demo`, so a fresh clone needs no separate build step. `npm run console:build` is the
 * plain build.
 *
 *   tsx gateway/console/ensure-built.ts [--force]
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** Where the console is built (the gateway's default `/console` directory). */
export const CONSOLE_DIST = resolve(here, 'dist');

/**
 * Runs Vite's build of the console unless `dist/index.html` exists.
 * @returns the build directory and whether it was built now.
 */
export async function ensureConsoleBuilt(options: { force?: boolean; quiet?: boolean } = {}): Promise<{
  dir: string;
  built: boolean;
}> {
  if (!options.force && existsSync(join(CONSOLE_DIST, 'index.html')))
    return { dir: CONSOLE_DIST, built: false };
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
