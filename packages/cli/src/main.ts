import { runCli } from './run-cli.ts';

// exitCode, not process.exit(): `keel server` keeps running after its command returns, and piped
// output is flushed before the process ends.
process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() });
