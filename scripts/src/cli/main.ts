// privgate — one command for operators, agencies, auditors and developers.
import { Command } from 'commander';

const program = new Command('privgate')
  .description('PrivGate: privacy-computing gateway for inter-ministry data sharing')
  .showHelpAfterError();

program
  .command('version')
  .description('print the version')
  .action(() => {
    process.stdout.write('privgate 0.1.0\n');
  });

await program.parseAsync(process.argv);
