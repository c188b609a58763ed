import { Command, CommanderError } from 'commander';
import { createKeelClient, isKeelApiError } from '@keel/sdk';
import { hasErrorCode } from '@keel/spec';
import type { CliIo, ContextFactory } from './cli-context.ts';
import { registerArtifactsCommand } from './commands/artifacts-command.ts';
import { registerExperimentsCommand } from './commands/experiments-command.ts';
import { registerGatewayCommand } from './commands/gateway-command.ts';
import { registerKeysCommand } from './commands/keys-command.ts';
import { registerModelsCommand } from './commands/models-command.ts';
import { registerPromptsCommand } from './commands/prompts-command.ts';
import { registerTracesCommand } from './commands/traces-command.ts';
import { registerProjectsCommand } from './commands/projects-command.ts';
import { registerRunsCommand } from './commands/runs-command.ts';
import { registerServerCommand } from './commands/server-command.ts';
import { resolveConnection } from './resolve-connection.ts';

function describeError(error: unknown): string {
  if (isKeelApiError(error) || hasErrorCode(error)) return `${error.code}: ${error.message}`;
  if (error instanceof Error && error.name === 'ZodError') return `invalid settings: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/** The `keel` program with every command; output goes to `io`, never straight to the process. */
export function createProgram(io: CliIo): Command {
  const program = new Command();
  // Set before any subcommand is added: commander copies these settings into each one.
  program
    .name('keel')
    .description('Keel: one platform for ML and LLM applications')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
      // Usage errors read like API errors: `keel: CODE: message`.
      outputError: (text, write) => write(`keel: BAD_REQUEST: ${text.replace(/^error: /, '')}`),
    })
    .showHelpAfterError()
    .option('--project <name>', 'act in this project (instance administrator key; sent as X-Keel-Project)');

  const context: ContextFactory = async (command) => {
    const { project } = command.optsWithGlobals<{ project?: string }>();
    const connection = await resolveConnection(io.env, io.cwd);
    return {
      client: createKeelClient({ baseUrl: connection.baseUrl, apiKey: connection.apiKey, project, fetch: io.fetch }),
      stdout: io.stdout,
      stderr: io.stderr,
      cwd: io.cwd,
      now: io.now ?? Date.now,
    };
  };
  registerServerCommand(program);
  registerProjectsCommand(program, context);
  registerKeysCommand(program, context);
  registerExperimentsCommand(program, context);
  registerRunsCommand(program, context);
  registerModelsCommand(program, context);
  registerPromptsCommand(program, context);
  registerArtifactsCommand(program, context);
  registerTracesCommand(program, context);
  registerGatewayCommand(program, context);
  return program;
}

/** Runs `keel <args>` and returns the exit code: 0 on success, 1 on an API or usage error (reported on stderr). */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  try {
    await createProgram(io).parseAsync([...args], { from: 'user' });
    return 0;
  } catch (error) {
    // Commander has already printed its own message (or the help text).
    if (error instanceof CommanderError) return error.exitCode;
    io.stderr.write(`keel: ${describeError(error)}\n`);
    return 1;
  }
}
