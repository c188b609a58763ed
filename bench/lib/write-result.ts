import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const resultsDir = fileURLToPath(new URL('../results/', import.meta.url));

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  totalMemoryMb: number;
  platform: string;
  arch: string;
  node: string;
  date: string;
  /** 1, 5 and 15 minute load averages when the result was written: other work on the machine skews figures. */
  loadAverage: number[];
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    totalMemoryMb: Math.round(os.totalmem() / 1024 / 1024),
    platform: os.platform(),
    arch: os.arch(),
    node: process.version,
    date: new Date().toISOString(),
    loadAverage: os.loadavg().map((value) => Math.round(value * 100) / 100),
  };
}

/** Writes bench/results/<name>.json with the machine it ran on; returns the path. */
export async function writeResult(name: string, result: object): Promise<string> {
  await mkdir(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${name}.json`);
  await writeFile(file, `${JSON.stringify({ name, machine: machineInfo(), ...result }, null, 2)}\n`);
  return file;
}
