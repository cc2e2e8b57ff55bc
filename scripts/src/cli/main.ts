// privgate — one command for operators, agencies, auditors and developers.
import { Command } from 'commander';
import { registerAuditCommands } from './audit.ts';
import { registerDatasetCommands } from './datasets.ts';
import { registerKeysCommands } from './keys.ts';
import { registerLedgerCommands } from './ledger.ts';
import { registerNodeCommands } from './node.ts';
import { registerQueryCommand } from './query.ts';

const program = new Command('privgate')
  .description('PrivGate: privacy-computing gateway for inter-ministry data sharing')
  .showHelpAfterError();

program
  .command('version')
  .description('print the version')
  .action(() => {
    process.stdout.write('privgate 0.1.0\n');
  });

registerKeysCommands(program);
registerLedgerCommands(program);
registerNodeCommands(program);
registerDatasetCommands(program);
registerQueryCommand(program);
registerAuditCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.stderr.write(`privgate: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
}
