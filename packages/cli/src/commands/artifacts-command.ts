import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import type { ProgressListener } from '@keel/sdk';
import type { CommandContext, ContextFactory } from '../cli-context.ts';
import { formatTable } from '../format-table.ts';
import { formatBytes } from '../format-values.ts';
import { createProgressBar } from '../progress-bar.ts';
import { writeJson } from '../write-json.ts';

/** Below this a transfer is over before a bar would tell anything. */
const progressThreshold = 1024 * 1024;

interface TransferOptions {
  progress?: boolean;
  json?: boolean;
}

/**
 * A progress listener drawing on stderr when asked (--progress), or on a terminal for large
 * transfers; stdout stays clean for the result.
 */
function progressFor(context: CommandContext, label: string, options: TransferOptions, knownSize: number | undefined): { listener: ProgressListener | undefined; finish(): void } {
  const interactive = context.stderr.isTTY === true && (knownSize === undefined || knownSize >= progressThreshold);
  if (options.progress !== true && !interactive) return { listener: undefined, finish: () => undefined };
  const bar = createProgressBar({ output: context.stderr, label, now: context.now });
  let started = false;
  return {
    listener: (progress) => {
      // The size of a download is known only once it starts; a small one on a terminal draws nothing.
      if (!started && options.progress !== true && progress.total !== undefined && progress.total < progressThreshold) return;
      started = true;
      bar.update(progress.bytes, progress.total);
    },
    finish: () => {
      if (started) bar.finish();
    },
  };
}

export async function listArtifacts({ client, stdout }: CommandContext, runId: string, artifactPath: string | undefined, options: { json?: boolean }): Promise<void> {
  const files = await client.runs.listArtifacts(runId, artifactPath);
  if (options.json === true) return writeJson(stdout, files);
  stdout.write(formatTable(['PATH', 'SIZE'], files.map((file) => [file.isDir ? `${file.path}/` : file.path, file.fileSize === undefined ? '' : formatBytes(file.fileSize)]), { alignRight: [1] }));
}

export async function uploadArtifact(context: CommandContext, runId: string, localPath: string, artifactPath: string | undefined, options: TransferOptions): Promise<void> {
  const source = path.resolve(context.cwd, localPath);
  const info = await stat(source);
  const target = artifactPath ?? path.basename(source);
  const progress = progressFor(context, `upload ${target}`, options, info.size);
  const result = await context.client.runs.uploadArtifact(runId, target, source, { ...(progress.listener === undefined ? {} : { onProgress: progress.listener }) }).finally(() => progress.finish());
  if (options.json === true) return writeJson(context.stdout, { runId, ...result });
  context.stdout.write(`Uploaded ${localPath} to runs:/${runId}/${result.path} (${formatBytes(result.size)}).\n`);
}

export async function downloadArtifact(context: CommandContext, runId: string, artifactPath: string, localPath: string | undefined, options: TransferOptions): Promise<void> {
  const destination = path.resolve(context.cwd, localPath ?? path.posix.basename(artifactPath));
  const progress = progressFor(context, `download ${artifactPath}`, options, undefined);
  const result = await context.client.runs
    .downloadArtifact(runId, artifactPath, { to: destination, ...(progress.listener === undefined ? {} : { onProgress: progress.listener }) })
    .finally(() => progress.finish());
  if (options.json === true) return writeJson(context.stdout, { runId, artifactPath, ...result });
  context.stdout.write(`Downloaded runs:/${runId}/${artifactPath} to ${result.path} (${formatBytes(result.size)}).\n`);
}

export function registerArtifactsCommand(program: Command, context: ContextFactory): void {
  const artifacts = program.command('artifacts').description("A run's files");
  artifacts
    .command('list <runId> [path]')
    .description('One level of a run\'s artifacts')
    .option('--json', 'print JSON')
    .action(async (runId: string, artifactPath: string | undefined, options: { json?: boolean }, command: Command) => listArtifacts(await context(command), runId, artifactPath, options));
  artifacts
    .command('upload <runId> <localPath> [artifactPath]')
    .description('Upload a file (streamed) to the run; artifactPath defaults to the file name')
    .option('--progress', 'draw progress on stderr even when it is not a terminal')
    .option('--json', 'print JSON')
    .action(async (runId: string, localPath: string, artifactPath: string | undefined, options: TransferOptions, command: Command) =>
      uploadArtifact(await context(command), runId, localPath, artifactPath, options),
    );
  artifacts
    .command('download <runId> <artifactPath> [localPath]')
    .description('Download an artifact (streamed); localPath defaults to its name in the current folder')
    .option('--progress', 'draw progress on stderr even when it is not a terminal')
    .option('--json', 'print JSON')
    .action(async (runId: string, artifactPath: string, localPath: string | undefined, options: TransferOptions, command: Command) =>
      downloadArtifact(await context(command), runId, artifactPath, localPath, options),
    );
}
