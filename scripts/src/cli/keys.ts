// `privgate keys …`: an organisation's ledger key file (SM2 signing key and libp2p peer key), written 0600
// and sealed with scrypt + AES-256-GCM when a passphrase is given; `show` prints only the public parts.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { z } from 'zod';

const Identifier = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;

/** The public parts of a key file: readable without the passphrase. */
const PublicKeyFileSchema = z.object({
  version: z.literal(1),
  kind: z.literal('privgate-node-key'),
  id: z.string().min(1).max(128),
  sm2PublicKey: z.string().regex(/^04[0-9a-f]{128}$/),
  peerId: z.string().min(1).max(128),
  secret: z.object({ encoding: z.enum(['plain', 'scrypt-aes-256-gcm']) }),
});

/** The passphrase held by environment variable `name`; refuses an unset or empty one. */
export function passphraseFromEnv(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const value = process.env[name];
  if (value === undefined || value === '')
    throw new Error(`--passphrase-env ${name}: the environment variable is unset or empty`);
  return value;
}

/** The public parts of a key file, and its mode. */
export function readPublicKeyFile(path: string): z.infer<typeof PublicKeyFileSchema> & { mode: number } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path}: not a readable JSON key file (${err instanceof Error ? err.message : err})`);
  }
  const result = PublicKeyFileSchema.safeParse(parsed);
  if (!result.success)
    throw new Error(`${path}: not a privgate key file (${result.error.issues[0]?.message})`);
  return { ...result.data, mode: statSync(path).mode & 0o777 };
}

/** Registers `keys generate` and `keys show`. */
export function registerKeysCommands(program: Command): void {
  const keys = program.command('keys').description("an organisation's ledger signing key");

  keys
    .command('generate')
    .description('create a key file (mode 0600; sealed with scrypt + AES-256-GCM under a passphrase)')
    .requiredOption('--org <id>', 'the organisation id the key is for', (v: string) => {
      if (!Identifier.test(v)) throw new InvalidArgumentError('expected a ledger identifier');
      return v;
    })
    .requiredOption('--out <file>', 'where to write the key file')
    .option(
      '--passphrase-env <var>',
      'seal the secrets with the passphrase held by this environment variable',
    )
    .option('--force', 'overwrite an existing file')
    .option('--json', 'print the public parts as JSON')
    .action(async (opts) => {
      const out = resolve(opts.out as string);
      if (existsSync(out) && !opts.force) throw new Error(`${out} exists (use --force to overwrite)`);
      const passphrase = passphraseFromEnv(opts.passphraseEnv as string | undefined);
      // Loaded here: the ledger package is heavy and `keys show` does not need it.
      const { generateNodeKeys, writeKeyFile } = await import('@privgate/ledger');
      const generated = await generateNodeKeys(opts.org as string);
      writeKeyFile(out, generated, passphrase);
      generated.sm2PrivateKey.fill(0);
      generated.peerKey.fill(0);
      const summary = {
        org: generated.id,
        file: out,
        sm2PublicKey: Buffer.from(generated.sm2PublicKey).toString('hex'),
        peerId: generated.peerId,
        sealed: passphrase !== undefined,
      };
      process.stdout.write(
        opts.json
          ? `${JSON.stringify(summary)}\n`
          : `key of ${summary.org} written to ${out} (mode 0600, ${summary.sealed ? 'sealed' : 'not sealed'})\n` +
              `  SM2 public key  ${summary.sm2PublicKey}\n  peer id         ${summary.peerId}\n`,
      );
    });

  keys
    .command('show')
    .description('print the public parts of a key file (never the private key)')
    .argument('<file>', 'a key file')
    .option('--json', 'print as JSON')
    .action((file: string, opts: { json?: boolean }) => {
      const k = readPublicKeyFile(resolve(file));
      const loose = (k.mode & 0o077) !== 0;
      const info = {
        org: k.id,
        sm2PublicKey: k.sm2PublicKey,
        peerId: k.peerId,
        sealed: k.secret.encoding !== 'plain',
        mode: k.mode.toString(8).padStart(4, '0'),
      };
      process.stdout.write(
        opts.json
          ? `${JSON.stringify(info)}\n`
          : `org             ${info.org}\nSM2 public key  ${info.sm2PublicKey}\npeer id         ${info.peerId}\n` +
              `sealed          ${info.sealed ? 'yes (scrypt + AES-256-GCM)' : 'no'}\nmode            ${info.mode}\n`,
      );
      if (loose)
        process.stderr.write(
          `warning: ${file} is readable by group or others; chmod 600 it (nodes refuse it)\n`,
        );
    });
}
