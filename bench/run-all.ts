import { type BenchResult, type Figure, meetsTarget, printFigures, targetText, verdict } from './lib/figure.ts';
import { note } from './lib/progress.ts';
import { printTable } from './lib/print-table.ts';
import { removeTempDir } from './lib/temp-dir.ts';
import { waitForQuietMachine } from './lib/wait-for-quiet-machine.ts';
import { machineInfo, writeResult } from './lib/write-result.ts';
import { gatewayOverhead } from './gateway-overhead.ts';
import { logBatchIngestion } from './log-batch-ingestion.ts';
import { metricDownsampling } from './metric-downsampling.ts';
import { otlpIngest } from './otlp-ingest.ts';
import { otlpOverload } from './otlp-overload.ts';
import { promptFetch } from './prompt-fetch.ts';
import { runSearchLatency } from './run-search-latency.ts';
import { sdkSpanOverhead } from './sdk-span-overhead.ts';
import { serverMemory } from './server-memory.ts';
import { smallBatchRate } from './small-batch-rate.ts';
import { traceQueryLatency } from './trace-query-latency.ts';
import { webUi } from './web-ui.ts';

/** Figures of the same bench on SQLite and PostgreSQL, side by side. */
function printSideBySide(sqlite: readonly Figure[], postgres: readonly Figure[]): void {
  const rows = postgres.map((pgFigure) => {
    const twin = sqlite.find((figure) => figure.bench === pgFigure.bench && figure.name === pgFigure.name);
    return [
      `${pgFigure.bench}: ${pgFigure.name}`,
      twin === undefined ? '-' : `${twin.display} (${verdict(twin)})`,
      `${pgFigure.display} (${verdict(pgFigure)})`,
      targetText(pgFigure),
      pgFigure.baseline ?? '-',
    ];
  });
  printTable('SQLite and PostgreSQL side by side', ['figure', 'SQLite', 'PostgreSQL', 'target', 'PostgreSQL baseline (same run)'], rows);
}

/** Runs one bench once the machine is quiet (what the previous one left running stays out of its figures). */
async function quietly<T>(label: string, bench: () => Promise<T>): Promise<T> {
  await waitForQuietMachine(label);
  return bench();
}

async function main(): Promise<void> {
  const started = performance.now();
  const machine = machineInfo();
  note(`keel bench: ${machine.cpus} x ${machine.cpuModel}, node ${machine.node}, load average ${machine.loadAverage.join(' ')}`);
  const results: BenchResult[] = [];
  const keptHomes: string[] = [];
  try {
    results.push(await quietly('log-batch', () => logBatchIngestion()));
    results.push(await quietly('small-batch', () => smallBatchRate()));
    const search = await quietly('runs/search', () => runSearchLatency({ keepHome: true }));
    results.push(search);
    if (search.home !== undefined) keptHomes.push(search.home);
    const history = await quietly('downsampling', () => metricDownsampling({ keepHome: true }));
    results.push(history);
    if (history.home !== undefined) keptHomes.push(history.home);
    results.push(
      await quietly('memory', () => serverMemory({
        seededHomes: [
          ...(search.home === undefined ? [] : [{ label: 'home with 10,000 seeded runs', home: search.home }]),
          ...(history.home === undefined ? [] : [{ label: 'home with a 1,000,000-point history', home: history.home }]),
        ],
      })),
    );
  } finally {
    for (const home of keptHomes) await removeTempDir(home);
  }
  // Tracing (SQLite): the overload offers twice the spans/s the ingest bench measured in this run.
  note('\n-- tracing');
  const ingest = await quietly('otlp ingest', () => otlpIngest());
  results.push(ingest);
  results.push(await quietly('trace query', () => traceQueryLatency()));
  results.push(await quietly('prompt fetch', () => promptFetch()));
  results.push(await quietly('overload', () => otlpOverload({ capacitySpansPerSecond: ingest.spansPerSecond })));
  results.push(await quietly('sdk span', () => sdkSpanOverhead()));
  note('\n-- gateway');
  results.push(await quietly('gateway', () => gatewayOverhead()));
  note('\n-- web UI');
  results.push(await quietly('web UI', () => webUi()));
  const postgresUrl = process.env.KEEL_TEST_POSTGRES_URL;
  const postgres: BenchResult[] = [];
  if (postgresUrl !== undefined && postgresUrl !== '') {
    postgres.push(await quietly('log-batch postgres', () => logBatchIngestion({ backend: 'postgres', postgresUrl })));
    postgres.push(await quietly('runs/search postgres', () => runSearchLatency({ backend: 'postgres', postgresUrl })));
  } else {
    note('\nKEEL_TEST_POSTGRES_URL is not set: PostgreSQL runs skipped');
  }

  const sqliteFigures = results.flatMap((result) => result.figures);
  const postgresFigures = postgres.flatMap((result) => result.figures);
  if (postgresFigures.length > 0) printSideBySide(sqliteFigures, postgresFigures);
  const all = [...sqliteFigures, ...postgresFigures];
  const elapsedS = (performance.now() - started) / 1000;
  printFigures(`Summary (${machine.cpus} CPUs, node ${machine.node}, ${elapsedS.toFixed(0)} s, load average at start ${machine.loadAverage.join(' ')})`, all);
  const failed = all.filter((figure) => verdict(figure) === 'FAIL');
  const postgresWithin = postgresFigures.filter((figure) => meetsTarget(figure) === true).length;
  const postgresHeld = postgresFigures.filter((figure) => meetsTarget(figure) !== undefined).length;
  const postgresText = postgresHeld === 0 ? '' : `; PostgreSQL within ${postgresWithin} of the ${postgresHeld} SQLite targets it was held to`;
  note(`\n${all.filter((figure) => verdict(figure) === 'pass').length} targets met, ${failed.length} missed${postgresText}; results in bench/results/*.json`);
  await writeResult('summary', { elapsedS, loadAverageAtStart: machine.loadAverage, figures: all.map((figure) => ({ ...figure, result: verdict(figure) })) });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
