import { Command } from 'commander';
import { hasErrorCode } from '@keel/spec';
import { registerServerCommand } from './commands/server-command.ts';

const program = new Command();
program.name('keel').description('Keel: one platform for ML and LLM applications').showHelpAfterError();
registerServerCommand(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  if (hasErrorCode(error)) process.stderr.write(`keel: ${error.code}: ${error.message}\n`);
  else if (error instanceof Error && error.name === 'ZodError') process.stderr.write(`keel: invalid settings: ${error.message}\n`);
  else process.stderr.write(`keel: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
