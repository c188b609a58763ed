import type { WireTraceSummary } from '@keel/spec';
import { useCallback, useMemo, useRef } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { useProject } from '../api/use-project.ts';
import { LoadState } from '../components/load-state.tsx';
import { TraceFilterBar } from '../components/traces/trace-filter-bar.tsx';
import { TraceStatus } from '../components/traces/trace-status.tsx';
import { type TableColumn, VirtualTable } from '../components/virtual-table.tsx';
import { formatDuration, formatNumber, formatTime, formatUsd } from '../lib/format.ts';
import { readTraceFilters, traceFilterQuery } from '../lib/traces/trace-filters.ts';
import { readTraceWindow, resolveTraceWindow } from '../lib/traces/trace-window.ts';
import { usePagedList } from '../lib/use-paged-list.ts';

const pageSize = 100;

/** Traces in a time window, newest first, read page by page with the API's cursor as the user scrolls. */
export function TracesPage() {
  const { project, client } = useProject();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const base = `/p/${encodeURIComponent(project)}`;
  const timeWindow = readTraceWindow(params);
  const filters = readTraceFilters(params);
  const queryKey = JSON.stringify([timeWindow, filters]);
  // The window is fixed when the first page is read, so later pages continue the same query.
  const bounds = useRef<{ from: number; to: number }>({ from: 0, to: 0 });
  const list = usePagedList(
    (pageToken) => {
      if (pageToken === undefined) bounds.current = resolveTraceWindow(timeWindow, Date.now());
      return client.traces.list({ ...bounds.current, ...traceFilterQuery(filters), limit: pageSize, pageToken });
    },
    [client, queryKey],
  );
  const { hasMore, loadMore } = list;
  const onNearEnd = useCallback(() => {
    if (hasMore) loadMore();
  }, [hasMore, loadMore]);

  const columns = useMemo((): TableColumn<WireTraceSummary>[] => [
    { id: 'time', header: 'Time', width: '12.5rem', cell: (row) => <span className="mono">{formatTime(row.startUs / 1000)}</span> },
    { id: 'name', header: 'Name', width: 'minmax(10rem, 1.4fr)', cell: (row) => <Link to={`${base}/traces/${row.traceId}`}>{row.name || '(unnamed)'}</Link> },
    { id: 'duration', header: 'Duration', width: '6.5rem', align: 'right', cell: (row) => formatDuration(row.latencyMs) },
    { id: 'tokens', header: 'Tokens', width: '7rem', align: 'right', cell: (row) => <span title={`${formatNumber(row.inputTokens)} in, ${formatNumber(row.outputTokens)} out`}>{formatNumber(row.inputTokens + row.outputTokens)}</span> },
    { id: 'cost', header: 'Cost', width: '6.5rem', align: 'right', cell: (row) => formatUsd(row.cost) },
    { id: 'status', header: 'Status', width: '5.5rem', cell: (row) => <TraceStatus status={row.status} /> },
    { id: 'models', header: 'Model', width: 'minmax(6rem, 0.8fr)', cell: (row) => row.models.join(', ') || <span className="muted">—</span> },
    { id: 'user', header: 'User', width: 'minmax(6rem, 0.7fr)', cell: (row) => row.userId ?? <span className="muted">—</span> },
    {
      id: 'session', header: 'Session', width: 'minmax(6rem, 0.8fr)',
      cell: (row) => (row.sessionId === null ? <span className="muted">—</span> : <Link to={`${base}/sessions/${encodeURIComponent(row.sessionId)}`}>{row.sessionId}</Link>),
    },
  ], [base]);

  return (
    <section aria-labelledby="traces-heading">
      <div className="page-header">
        <h1 id="traces-heading">Traces</h1>
        <Link to={`${base}/sessions`}>Sessions</Link>
      </div>
      <TraceFilterBar />
      <LoadState result={list} isEmpty={(rows) => rows.length === 0} empty="No traces in this window match these filters.">
        {(rows) => (
          <>
            <VirtualTable
              label="Traces"
              columns={columns}
              rows={rows}
              rowKey={(row) => row.traceId}
              onOpen={(row) => void navigate(`${base}/traces/${row.traceId}`)}
              onNearEnd={onNearEnd}
              height="calc(100vh - 20rem)"
            />
            <p className="list-footer" role="status" aria-live="polite">
              {formatNumber(rows.length)} {rows.length === 1 ? 'trace' : 'traces'} shown{hasMore ? (list.loading ? ', loading more…' : '; scroll for more') : ''}.
            </p>
          </>
        )}
      </LoadState>
    </section>
  );
}
