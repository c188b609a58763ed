import { type FSWatcher, watch } from 'node:fs';
import type { GatewayConfig } from '@keel/spec';
import { findKeelConfigFile, gatewayConfigsOf, keelConfigFileNames, loadKeelConfigFile } from './load-keel-config-file.ts';

export interface KeelConfigFileWatch {
  close(): void;
}

export interface WatchKeelConfigFileOptions {
  home: string;
  /** Quiet time after the last change before the file is read (editors write in several steps). */
  debounceMs?: number;
  /** A valid file was read (an empty map when the file was removed). */
  onLoad(configs: Map<string, GatewayConfig>, file: string | undefined): void | Promise<void>;
  /** The file changed but cannot be used; the previous configuration stays. */
  onError(error: unknown): void;
}

/**
 * Watches `home` (not the file: editors replace files by renaming, which ends a watch on the file
 * itself) and reloads the config file when it is created, changed or removed.
 */
export function watchKeelConfigFile({ home, debounceMs = 200, onLoad, onError }: WatchKeelConfigFileOptions): KeelConfigFileWatch {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let closed = false;
  const names: ReadonlySet<string> = new Set(keelConfigFileNames);

  const reload = async (): Promise<void> => {
    if (closed) return;
    try {
      const file = await findKeelConfigFile(home);
      const configs = file === undefined ? new Map<string, GatewayConfig>() : gatewayConfigsOf(await loadKeelConfigFile(file));
      if (!closed) await onLoad(configs, file);
    } catch (error) {
      onError(error);
    }
  };

  const watcher: FSWatcher = watch(home, { persistent: false }, (_event, filename) => {
    if (filename !== null && !names.has(String(filename))) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      // Reloads run one after another, so an older read never lands after a newer one.
      running = running.then(reload);
    }, debounceMs);
  });
  watcher.on('error', onError);

  return {
    close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      watcher.close();
    },
  };
}
