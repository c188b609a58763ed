import { type BenchResult, type Figure, printFigures } from './lib/figure.ts';
import { formatMb, formatMs, formatNumber } from './lib/format-number.ts';
import { defaultIngestionShape, runIngestionLoad } from './lib/ingestion-load.ts';
import { startKeelServer } from './lib/keel-server.ts';
import { median } from './lib/percentiles.ts';
import { note } from './lib/progress.ts';
import { type RssSamples, sampleRss } from './lib/rss-sampler.ts';
import { runIfMain } from './lib/run-if-main.ts';
import { makeTempDir, removeTempDir } from './lib/temp-dir.ts';
import { startTrivialServer } from './lib/trivial-server.ts';
import { writeResult } from './lib/write-result.ts';

export interface SeededHome {
  label: string;
  home: string;
}

export interface ServerMemoryOptions {
  /** Fresh starts to time (the median is the figure). */
  freshStarts?: number;
  /** Homes seeded by other benches (10,000 runs; 1,000,000 points) to restart on. */
  seededHomes?: SeededHome[];
  idleMs?: number;
}

const idleRss = (samples: RssSamples): number => samples.peakMb;

/**
 * Figure 5: spawn-to-ready and idle RSS of a fresh server and of servers on seeded homes, peak RSS
 * under the ingestion load of figure 1. Baseline: a trivial node:http server started the same way.
 */
export async function serverMemory(options: ServerMemoryOptions = {}): Promise<BenchResult> {
  const freshStarts = options.freshStarts ?? 3;
  const idleMs = options.idleMs ?? 1500;
  const bench = 'memory/start';
  note(`\n== ${bench} (sqlite): ${freshStarts} fresh starts, ingestion peak, restarts on seeded homes`);
  const homes: string[] = [];
  try {
    const trivialReady: number[] = [];
    let trivialRss = Number.NaN;
    for (let index = 0; index < freshStarts; index += 1) {
      const trivial = await startTrivialServer();
      trivialReady.push(trivial.readyMs);
      if (index === 0) trivialRss = idleRss(await sampleRss(trivial.pid, idleMs));
      await trivial.stop();
    }

    const freshReady: number[] = [];
    let freshIdle: RssSamples | undefined;
    let ingestion;
    const ingestionHome = await makeTempDir('memory');
    homes.push(ingestionHome);
    for (let index = 0; index < freshStarts; index += 1) {
      const home = index === 0 ? ingestionHome : await makeTempDir('memory');
      if (index > 0) homes.push(home);
      const server = await startKeelServer({ home });
      try {
        freshReady.push(server.readyMs);
        if (index === 0) {
          freshIdle = await sampleRss(server.pid, idleMs);
          ingestion = await runIngestionLoad(server, defaultIngestionShape);
        }
      } finally {
        await server.stop();
      }
    }
    if (freshIdle === undefined || ingestion === undefined) throw new Error('no fresh start measured');

    const seeded: SeededHome[] = [{ label: `${formatNumber(ingestion.points)} points (this bench)`, home: ingestionHome }, ...(options.seededHomes ?? [])];
    const restarts: { label: string; readyMs: number; idleMb: number }[] = [];
    for (const { label, home } of seeded) {
      const server = await startKeelServer({ home });
      try {
        restarts.push({ label, readyMs: server.readyMs, idleMb: idleRss(await sampleRss(server.pid, idleMs)) });
      } finally {
        await server.stop();
      }
    }

    const readyMedian = median(freshReady);
    const trivialReadyMedian = median(trivialReady);
    const trivialStart = `node:http {} server: ready ${formatMs(trivialReadyMedian)}`;
    const figures: Figure[] = [
      { bench, name: 'idle RSS after start (fresh home)', backend: 'sqlite', value: idleRss(freshIdle), unit: 'MB', display: formatMb(idleRss(freshIdle)), target: { op: '<', value: 150 }, baseline: `node:http {} server: ${formatMb(trivialRss)}` },
      {
        bench, name: 'peak RSS during ingestion', backend: 'sqlite', value: ingestion.rss.peakMb, unit: 'MB', display: formatMb(ingestion.rss.peakMb), target: { op: '<', value: 400 },
        baseline: `VmHWM ${formatMb(ingestion.rss.highWaterMb)}; ${formatNumber(ingestion.pointsPerSecond)} points/s`,
      },
      {
        bench, name: `start to ready, fresh home (median of ${freshStarts})`, backend: 'sqlite', value: readyMedian, unit: 'ms', display: formatMs(readyMedian), target: { op: '<', value: 1000 },
        baseline: `${trivialStart}; Keel runs ${freshReady.map((ms) => formatNumber(ms)).join(', ')} ms`,
      },
      ...restarts.flatMap((restart): Figure[] => [
        { bench, name: `start to ready, ${restart.label}`, backend: 'sqlite', value: restart.readyMs, unit: 'ms', display: formatMs(restart.readyMs), target: { op: '<', value: 1000 }, baseline: trivialStart },
        { bench, name: `idle RSS after start, ${restart.label}`, backend: 'sqlite', value: restart.idleMb, unit: 'MB', display: formatMb(restart.idleMb), target: { op: '<', value: 150 }, baseline: `node:http {} server: ${formatMb(trivialRss)}` },
      ]),
    ];
    printFigures('server memory and start-up', figures);
    const result: BenchResult = {
      name: 'server-memory',
      figures,
      details: {
        freshReadyMs: freshReady, freshIdleRss: { peakMb: freshIdle.peakMb, lastMb: freshIdle.lastMb }, ingestion: { pointsPerSecond: ingestion.pointsPerSecond, peakMb: ingestion.rss.peakMb, highWaterMb: ingestion.rss.highWaterMb },
        restarts, trivialServer: { readyMs: trivialReady, idleRssMb: trivialRss },
      },
    };
    await writeResult(result.name, result);
    return result;
  } finally {
    for (const home of homes) await removeTempDir(home);
  }
}

runIfMain(import.meta.url, () => serverMemory());
