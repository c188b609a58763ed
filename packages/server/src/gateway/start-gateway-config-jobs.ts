import type { GatewayConfigService } from '@keel/core';
import type { GatewayConfig } from '@keel/spec';
import type { Logger } from 'pino';
import { watchKeelConfigFile } from './watch-keel-config-file.ts';

export interface GatewayConfigJobs {
  stop(): void;
}

/**
 * Applies the config file read at start, watches it for edits (an invalid edit is logged and the
 * previous configuration kept), and every `refreshIntervalMs` drops documents that another server
 * has changed in the database.
 */
export async function startGatewayConfigJobs(options: {
  home: string;
  service: GatewayConfigService;
  file: string | undefined;
  fileConfig: Map<string, GatewayConfig> | undefined;
  logger: Logger;
  refreshIntervalMs?: number;
}): Promise<GatewayConfigJobs> {
  const { service, logger } = options;
  const apply = async (configs: Map<string, GatewayConfig>, file: string | undefined): Promise<void> => {
    const { unknownProjects } = await service.setFileConfig(configs, file);
    for (const name of unknownProjects) logger.warn({ file, project: name }, `${file ?? 'keel.config.yaml'} configures project '${name}', which does not exist; ignored until it is created`);
  };
  if (options.fileConfig !== undefined) {
    await apply(options.fileConfig, options.file);
    logger.info({ file: options.file, projects: [...options.fileConfig.keys()] }, 'gateway configuration read from the config file');
  }
  const watch = watchKeelConfigFile({
    home: options.home,
    onLoad: async (configs, file) => {
      await apply(configs, file);
      logger.info({ file, projects: [...configs.keys()] }, file === undefined ? 'the config file was removed; the API manages every gateway again' : 'gateway configuration reloaded from the config file');
    },
    onError: (error) => logger.error({ err: error }, `the config file cannot be used; the previous configuration stays: ${error instanceof Error ? error.message : String(error)}`),
  });
  let refreshing = false;
  const timer = setInterval(() => {
    if (refreshing) return;
    refreshing = true;
    service
      .refresh()
      .catch((error: unknown) => logger.warn({ err: error }, 'gateway configuration refresh failed'))
      .finally(() => {
        refreshing = false;
      });
  }, options.refreshIntervalMs ?? 2_000);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      watch.close();
    },
  };
}
