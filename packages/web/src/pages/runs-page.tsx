import type { Run } from '@keel/sdk/client';
import { useCallback, useMemo } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useProject } from '../api/use-project.ts';
import { LoadState } from '../components/load-state.tsx';
import { ColumnChooser } from '../components/runs/column-chooser.tsx';
import { FilterBox } from '../components/runs/filter-box.tsx';
import { RunStatusPill } from '../components/runs/run-status-pill.tsx';
import { SelectAllCheckbox } from '../components/runs/select-all-checkbox.tsx';
import { type TableColumn, VirtualTable } from '../components/virtual-table.tsx';
import { formatDuration, formatNumber, formatTime } from '../lib/format.ts';
import { collectRunKeys } from '../lib/runs/collect-run-keys.ts';
import { isInvalidSearch } from '../lib/runs/error-position.ts';
import { parseRunColumn, runColumnValue, searchKey } from '../lib/runs/run-column.ts';
import { maxCompareRuns } from '../lib/runs/max-compare-runs.ts';
import { type SortDirection, defaultSort, useRunsQuery } from '../lib/runs/use-runs-query.ts';
import { useLoad } from '../lib/use-load.ts';
import { usePagedList } from '../lib/use-paged-list.ts';
import '../components/runs/runs.css';

// A first page that fills the screen several times over arrives (and parses) sooner; then 500 a page.
const firstPageSize = 100;
const pageSize = 500;
const kindLabel = { params: 'param', metrics: 'metric', tags: 'tag' } as const;

/** The runs of one experiment: a virtualised table paged from the server as it scrolls. */
export function RunsPage() {
  const { experimentId = '' } = useParams();
  const { project, client } = useProject();
  const navigate = useNavigate();
  const [query, update] = useRunsQuery();
  const experiment = useLoad(() => client.experiments.get(experimentId), [client, experimentId]);

  const sortColumn = parseRunColumn(query.sort);
  const orderBy = `${sortColumn === undefined ? query.sort : searchKey(sortColumn)} ${query.direction.toUpperCase()}`;
  const pages = usePagedList(
    (pageToken) =>
      client.runs.search({
        experimentIds: [experimentId],
        ...(query.filter.trim() === '' ? {} : { filter: query.filter }),
        orderBy: [orderBy],
        maxResults: pageToken === undefined ? firstPageSize : pageSize,
        pageToken,
      }),
    [client, experimentId, query.filter, orderBy],
  );
  const runs = pages.data;
  const keys = useMemo(() => collectRunKeys(runs ?? []), [runs]);
  const selected = useMemo(() => new Set(query.selected), [query.selected]);
  const base = `/p/${encodeURIComponent(project)}`;
  const runLink = useCallback((run: Run) => `${base}/runs/${encodeURIComponent(run.info.runId)}`, [base]);

  const { sort, direction, columns: chosen } = query;
  const columns = useMemo<TableColumn<Run>[]>(() => {
    const sorted = (id: string, first: SortDirection = 'asc'): Pick<TableColumn<Run>, 'sort' | 'onSort'> => ({
      sort: sort === id ? direction : 'none',
      onSort: () => update({ sort: id, direction: sort === id ? (direction === 'asc' ? 'desc' : 'asc') : first }),
    });
    const full = selected.size >= maxCompareRuns;
    const toggle = (runId: string, on: boolean) => {
      const next = new Set(selected);
      if (on) next.add(runId);
      else next.delete(runId);
      update({ selected: [...next] });
    };
    // The header's box acts on the loaded runs, in table order, up to maxCompareRuns in all;
    // selected runs not loaded (filtered out) are left as they are.
    const loaded = (runs ?? []).map((run) => run.info.runId);
    const loadedSelected = loaded.filter((runId) => selected.has(runId)).length;
    const selectable = Math.max(loadedSelected, Math.min(loaded.length, loadedSelected + maxCompareRuns - selected.size));
    const selectAll = (all: boolean) => {
      const next = new Set(selected);
      for (const runId of loaded) {
        if (!all) next.delete(runId);
        else if (next.size < maxCompareRuns) next.add(runId);
      }
      update({ selected: [...next] });
    };
    const fixed: TableColumn<Run>[] = [
      {
        id: 'select',
        header: <SelectAllCheckbox label="Select all loaded runs" total={selectable} selected={loadedSelected} onChange={selectAll} />,
        width: '2.5rem',
        cell: (run) => (
          <input
            type="checkbox"
            aria-label={`Select ${run.info.runName || run.info.runId}`}
            checked={selected.has(run.info.runId)}
            disabled={full && !selected.has(run.info.runId)}
            title={full && !selected.has(run.info.runId) ? `A comparison takes up to ${maxCompareRuns} runs` : undefined}
            onChange={(event) => toggle(run.info.runId, event.target.checked)}
          />
        ),
      },
      {
        id: 'name',
        header: 'Run',
        width: 'minmax(12rem, 2fr)',
        cell: (run) => <Link to={runLink(run)}>{run.info.runName || run.info.runId}</Link>,
        ...sorted('attributes.run_name'),
      },
      { id: 'status', header: 'Status', width: '7rem', cell: (run) => <RunStatusPill status={run.info.status} />, ...sorted('attributes.status') },
      { id: 'start', header: 'Started', width: '12.5rem', cell: (run) => formatTime(run.info.startTime), ...sorted('attributes.start_time', 'desc') },
      {
        id: 'duration',
        header: 'Duration',
        width: '7rem',
        align: 'right',
        cell: (run) => (run.info.endTime === null ? '—' : formatDuration(run.info.endTime - run.info.startTime)),
      },
    ];
    const extra = chosen.flatMap((id): TableColumn<Run>[] => {
      const column = parseRunColumn(id);
      if (column === undefined) return [];
      return [
        {
          id,
          header: (
            <span title={id}>
              <span className="col-kind">{kindLabel[column.kind]}</span> {column.key}
            </span>
          ),
          width: 'minmax(7rem, 1fr)',
          align: column.kind === 'metrics' ? 'right' : 'left',
          cell: (run) => {
            const value = runColumnValue(run, column);
            return typeof value === 'number' ? formatNumber(value) : (value ?? '—');
          },
          ...sorted(id, column.kind === 'metrics' ? 'desc' : 'asc'),
        },
      ];
    });
    return [...fixed, ...extra];
  }, [sort, direction, chosen, selected, update, runLink, runs]);

  const searchError = pages.error !== undefined && isInvalidSearch(pages.error) ? pages.error : undefined;
  const orderError = searchError !== undefined && /order_by/.test(searchError.message);
  const { loadMore } = pages;
  const complete = runs !== undefined && !pages.hasMore;
  const onNearEnd = useCallback(() => loadMore(), [loadMore]);
  const compareTo = `${base}/compare?runs=${query.selected.map(encodeURIComponent).join(',')}`;

  return (
    <section className="runs-page">
      <div className="breadcrumbs">
        <Link to={`${base}/experiments`}>Experiments</Link> /
      </div>
      <div className="page-header">
        <h1>{experiment.data?.name ?? `Experiment ${experimentId}`}</h1>
        <span className="muted mono">id {experimentId}</span>
      </div>
      <FilterBox value={query.filter} onApply={(filter) => update({ filter })} error={orderError ? undefined : searchError} />
      {orderError && (
        <div className="state state-error" role="alert">
          The server refused this sort order: {searchError.message}{' '}
          <button type="button" onClick={() => update({ sort: defaultSort, direction: 'desc' })}>Sort by start time</button>
        </div>
      )}
      <div className="toolbar">
        <ColumnChooser keys={keys} chosen={query.columns} onChange={(next) => update({ columns: next })} />
        <button type="button" className="primary" disabled={query.selected.length < 2} onClick={() => void navigate(compareTo)}>
          Compare{query.selected.length > 0 ? ` (${query.selected.length})` : ''}
        </button>
        {query.selected.length > 0 && (
          <button type="button" onClick={() => update({ selected: [] })}>Clear selection</button>
        )}
        {query.selected.length >= maxCompareRuns && <span className="muted" data-testid="compare-limit">A comparison takes up to {maxCompareRuns} runs.</span>}
        <span className="spacer" />
        <span className="muted" role="status" aria-live="polite" data-testid="run-count">
          {runs === undefined ? '' : `${formatNumber(runs.length)}${complete ? '' : '+'} run${runs.length === 1 ? '' : 's'}${pages.loading ? ' · loading more…' : ''}`}
        </span>
      </div>
      {searchError === undefined ? (
        <LoadState
          result={{ data: runs, error: runs === undefined ? pages.error : undefined, loading: pages.loading, reload: pages.reload }}
          isEmpty={(items) => items.length === 0}
          empty={query.filter === '' ? 'No runs in this experiment yet.' : 'No runs match this filter.'}
        >
          {(items) => (
            <VirtualTable
              label="Runs"
              columns={columns}
              rows={items}
              rowKey={(run) => run.info.runId}
              onOpen={(run) => void navigate(runLink(run))}
              onNearEnd={onNearEnd}
              selectedKeys={selected}
              // Short lists take their own height; long ones fill the window and scroll.
              height={`min(calc(100vh - 17rem), ${items.length * 34 + 2}px)`}
            />
          )}
        </LoadState>
      ) : null}
      {runs !== undefined && pages.error !== undefined && (
        <div className="state state-error" role="alert">
          Could not load more runs: {pages.error.message} <button type="button" onClick={loadMore}>Try again</button>
        </div>
      )}
    </section>
  );
}
