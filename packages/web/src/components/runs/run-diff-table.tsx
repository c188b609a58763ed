import type { Run } from '@keel/sdk/client';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { formatNumber } from '../../lib/format.ts';
import { seriesColor } from '../line-chart.tsx';
import './runs.css';

interface DiffRow {
  kind: 'param' | 'metric';
  key: string;
  values: (string | undefined)[];
  differs: boolean;
}

function diffRows(runs: readonly Run[]): DiffRow[] {
  const rows: DiffRow[] = [];
  const add = (kind: DiffRow['kind'], keys: Set<string>, value: (run: Run, key: string) => string | undefined) => {
    for (const key of [...keys].sort((a, b) => a.localeCompare(b))) {
      const values = runs.map((run) => value(run, key));
      rows.push({ kind, key, values, differs: new Set(values).size > 1 });
    }
  };
  add('param', new Set(runs.flatMap((run) => run.data.params.map((item) => item.key))), (run, key) => run.data.params.find((item) => item.key === key)?.value);
  add('metric', new Set(runs.flatMap((run) => run.data.metrics.map((item) => item.key))), (run, key) => {
    const metric = run.data.metrics.find((item) => item.key === key);
    return metric === undefined ? undefined : formatNumber(metric.value);
  });
  return rows;
}

/** Params and latest metrics side by side, a column per run; rows whose values differ are marked. */
export function RunDiffTable({ runs, runLink }: { runs: readonly Run[]; runLink: (run: Run) => string }) {
  const [onlyDiffering, setOnlyDiffering] = useState(false);
  const rows = diffRows(runs).filter((row) => !onlyDiffering || row.differs);
  return (
    <div className="diff-table">
      <label className="toolbar">
        <input type="checkbox" checked={onlyDiffering} onChange={(event) => setOnlyDiffering(event.target.checked)} /> Only rows that differ
      </label>
      <div className="diff-scroll">
        <table className="simple" aria-label="Run differences">
          <thead>
            <tr>
              <th scope="col">Key</th>
              {runs.map((run, index) => (
                <th key={run.info.runId} scope="col">
                  <span className="swatch" style={{ background: seriesColor(index) }} aria-hidden="true" />
                  <Link to={runLink(run)}>{run.info.runName || run.info.runId}</Link>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={`${row.kind}:${row.key}`} className={row.differs ? 'differs' : undefined} data-differs={row.differs}>
                <th scope="row"><span className="col-kind">{row.kind}</span> <span className="mono">{row.key}</span></th>
                {row.values.map((value, index) => (
                  <td key={index} className="mono">{value ?? '—'}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
