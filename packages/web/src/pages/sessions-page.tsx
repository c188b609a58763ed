import type { KeelClient } from '@keel/sdk/client';
import { useCallback, useMemo, useRef } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { useProject } from '../api/use-project.ts';
import { LoadState } from '../components/load-state.tsx';
import { WindowPicker } from '../components/traces/window-picker.tsx';
import { type TableColumn, VirtualTable } from '../components/virtual-table.tsx';
import { formatDuration, formatNumber, formatTime, formatUsd } from '../lib/format.ts';
import { readTraceWindow, resolveTraceWindow } from '../lib/traces/trace-window.ts';
import { usePagedList } from '../lib/use-paged-list.ts';

type SessionSummary = Awaited<ReturnType<KeelClient['traces']['sessions']>>['items'][number];

/** Sessions active in a time window, read page by page as the user scrolls. */
export function SessionsPage() {
  const { project, client } = useProject();
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const base = `/p/${encodeURIComponent(project)}`;
  const timeWindow = readTraceWindow(params);
  const userId = params.get('userId') ?? '';
  const queryKey = JSON.stringify([timeWindow, userId]);
  const bounds = useRef<{ from: number; to: number }>({ from: 0, to: 0 });
  const list = usePagedList(
    (pageToken) => {
      if (pageToken === undefined) bounds.current = resolveTraceWindow(timeWindow, Date.now());
      return client.traces.sessions({ ...bounds.current, ...(userId === '' ? {} : { userId }), limit: 100, pageToken });
    },
    [client, queryKey],
  );
  const { hasMore, loadMore } = list;
  const onNearEnd = useCallback(() => {
    if (hasMore) loadMore();
  }, [hasMore, loadMore]);
  const sessionPath = (id: string) => `${base}/sessions/${encodeURIComponent(id)}`;

  const columns = useMemo((): TableColumn<SessionSummary>[] => [
    { id: 'session', header: 'Session', width: 'minmax(12rem, 1.5fr)', cell: (row) => <Link to={`${base}/sessions/${encodeURIComponent(row.sessionId)}`}>{row.sessionId}</Link> },
    { id: 'traces', header: 'Traces', width: '5.5rem', align: 'right', cell: (row) => formatNumber(row.traceCount) },
    { id: 'first', header: 'First', width: '12.5rem', cell: (row) => <span className="mono">{formatTime(row.firstUs / 1000)}</span> },
    { id: 'last', header: 'Last', width: '12.5rem', cell: (row) => <span className="mono">{formatTime(row.lastUs / 1000)}</span> },
    { id: 'length', header: 'Length', width: '7rem', align: 'right', cell: (row) => formatDuration((row.lastUs - row.firstUs) / 1000) },
    { id: 'users', header: 'Users', width: 'minmax(7rem, 1fr)', cell: (row) => row.userIds.join(', ') || <span className="muted">—</span> },
    { id: 'tokens', header: 'Tokens', width: '7rem', align: 'right', cell: (row) => formatNumber(row.inputTokens + row.outputTokens) },
    { id: 'cost', header: 'Cost', width: '6.5rem', align: 'right', cell: (row) => formatUsd(row.cost) },
  ], [base]);

  return (
    <section aria-labelledby="sessions-heading">
      <div className="page-header">
        <h1 id="sessions-heading">Sessions</h1>
        <Link to={`${base}/traces`}>Traces</Link>
      </div>
      <div className="trace-filters">
        <WindowPicker />
        <label className="trace-filter">
          <span>User</span>
          <input
            type="text"
            defaultValue={userId}
            key={userId}
            placeholder="user id (Enter)"
            onKeyDown={(event) => {
              if (event.key !== 'Enter') return;
              const value = event.currentTarget.value.trim();
              setParams((previous) => {
                const next = new URLSearchParams(previous);
                if (value === '') next.delete('userId');
                else next.set('userId', value);
                return next;
              });
            }}
          />
        </label>
      </div>
      <LoadState result={list} isEmpty={(rows) => rows.length === 0} empty="No sessions in this window.">
        {(rows) => (
          <>
            <VirtualTable label="Sessions" columns={columns} rows={rows} rowKey={(row) => row.sessionId} onOpen={(row) => void navigate(sessionPath(row.sessionId))} onNearEnd={onNearEnd} height="calc(100vh - 16rem)" />
            <p className="list-footer" role="status">{formatNumber(rows.length)} {rows.length === 1 ? 'session' : 'sessions'} shown{hasMore ? '; scroll for more' : ''}.</p>
          </>
        )}
      </LoadState>
    </section>
  );
}
