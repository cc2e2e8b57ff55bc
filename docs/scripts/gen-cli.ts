/**
 * The CLI reference, generated from the `privgate` command itself: `scripts/src/cli/main.ts` is imported
 * with commander's `parseAsync` replaced by a capture, so every command, argument and option the CLI
 * registers is read from the same objects that print `--help`, and no command runs.
 */
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { anchor, block, code, generatedPage, heading, table, text } from './reference/markdown.ts';

/** The parts of a commander `Command` the page reads (commander 14). */
export interface CliCommand {
  name(): string;
  description(): string;
  usage(): string;
  helpInformation(): string;
  readonly commands: readonly CliCommand[];
  readonly options: readonly {
    flags: string;
    description: string;
    defaultValue?: unknown;
    mandatory?: boolean;
    argChoices?: string[];
    hidden?: boolean;
  }[];
  readonly registeredArguments: readonly {
    name(): string;
    description: string;
    required: boolean;
    variadic: boolean;
    defaultValue?: unknown;
  }[];
}

export const CLI_MAIN = fileURLToPath(new URL('../../scripts/src/cli/main.ts', import.meta.url));

/**
 * Loads the CLI's root command without running it.
 * @throws {Error} when `main.ts` does not call `parseAsync`.
 */
export async function loadCliProgram(mainPath = CLI_MAIN): Promise<CliCommand> {
  // The commander instance main.ts imports (the docs' own node_modules hold an older one).
  const commanderPath = createRequire(mainPath).resolve('commander');
  const commander = (await import(pathToFileURL(commanderPath).href)) as {
    Command: { prototype: { parseAsync: (...args: unknown[]) => Promise<unknown> } };
  };
  const proto = commander.Command.prototype;
  const original = proto.parseAsync;
  let captured: CliCommand | undefined;
  proto.parseAsync = function capture(this: CliCommand) {
    captured ??= this;
    return Promise.resolve(this);
  };
  try {
    await import(pathToFileURL(mainPath).href);
  } finally {
    proto.parseAsync = original;
  }
  if (captured === undefined) throw new Error(`${mainPath} did not call parseAsync`);
  return captured;
}

/** Every command below `root` with its full name (`ledger init`), depth first, in registration order. */
export function cliCommands(root: CliCommand): { path: string; command: CliCommand }[] {
  const out: { path: string; command: CliCommand }[] = [];
  const walk = (command: CliCommand, prefix: string) => {
    for (const sub of command.commands) {
      const path = prefix === '' ? sub.name() : `${prefix} ${sub.name()}`;
      out.push({ path, command: sub });
      walk(sub, path);
    }
  };
  walk(root, '');
  return out;
}

const show = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

function commandSection(rootName: string, path: string, command: CliCommand): string {
  const full = `${rootName} ${path}`;
  const out = [heading(2, code(full), anchor(rootName, path)), text(command.description())];
  if (command.commands.length > 0) {
    out.push(
      `Subcommands: ${command.commands.map((c) => `[${code(c.name())}](#${anchor(rootName, path, c.name())})`).join(', ')}.`,
    );
    return out.join('\n\n');
  }
  out.push(block(`${full} ${command.usage()}`, 'bash'));
  if (command.registeredArguments.length > 0) {
    out.push(
      table(
        ['argument', 'required', 'description'],
        command.registeredArguments.map((a) => [
          code(
            a.required
              ? `<${a.name()}${a.variadic ? '...' : ''}>`
              : `[${a.name()}${a.variadic ? '...' : ''}]`,
          ),
          a.required ? 'yes' : 'no',
          text(a.description ?? ''),
        ]),
      ),
    );
  }
  const options = command.options.filter((o) => !o.hidden);
  if (options.length > 0) {
    out.push(
      table(
        ['option', 'description', 'default', 'required'],
        options.map((o) => {
          const choices = o.argChoices === undefined ? '' : ` One of ${o.argChoices.map(code).join(', ')}.`;
          const description = text(o.description);
          return [
            code(o.flags),
            (choices !== '' && !/[.!?]$/.test(description) ? `${description}.` : description) + choices,
            o.defaultValue === undefined ? '' : code(show(o.defaultValue)),
            o.mandatory ? 'yes' : 'no',
          ];
        }),
      ),
    );
  }
  return out.join('\n\n');
}

/** The CLI reference page. */
export function cliMarkdown(root: CliCommand): string {
  const commands = cliCommands(root);
  const name = root.name();
  const out = [
    generatedPage(
      {
        title: 'CLI',
        description: `Every ${name} command, its arguments and options.`,
      },
      'the commands `scripts/src/cli/main.ts` registers (`docs/scripts/gen-cli.ts`)',
    ),
    `${text(root.description())}. Run it as ${code(`npx ${name}`)} from the repository (the ${code('scripts')} package's bin), or ${code('npx tsx scripts/src/cli/main.ts')}. Every command answers ${code('--help')}.`,
    block(root.helpInformation(), 'text'),
    table(
      ['command', 'what it does'],
      commands
        .filter(({ command }) => command.commands.length === 0)
        .map(({ path, command }) => [
          `[${code(`${name} ${path}`)}](#${anchor(name, path)})`,
          text(command.description()),
        ]),
    ),
    ...commands.map(({ path, command }) => commandSection(name, path, command)),
  ];
  return `${out.join('\n\n')}\n`;
}
