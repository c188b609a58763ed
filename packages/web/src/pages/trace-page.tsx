import { useCallback } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { useProject } from '../api/use-project.ts';
import { LoadState } from '../components/load-state.tsx';
import { ScoresPanel } from '../components/traces/scores-panel.tsx';
import { SpanDetail } from '../components/traces/span-detail.tsx';
import { SpanTree } from '../components/traces/span-tree.tsx';
import { TraceStatus } from '../components/traces/trace-status.tsx';
import { formatDuration, formatNumber, formatTime, formatUsd } from '../lib/format.ts';
import { allSpans } from '../lib/traces/visible-span-rows.ts';
import { useLoad } from '../lib/use-load.ts';

/** One trace: span tree and waterfall, the selected span's detail (`?span=` in the URL), and scores. */
export function TracePage() {
  const { project, client } = useProject();
  const { traceId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const base = `/p/${encodeURIComponent(project)}`;
  const detail = useLoad(() => client.traces.get(traceId), [client, traceId]);
  const selectSpan = useCallback(
    (spanId: string) => setParams((previous) => {
      const next = new URLSearchParams(previous);
      next.set('span', spanId);
      return next;
    }, { replace: true }),
    [setParams],
  );

  return (
    <LoadState result={detail}>
      {({ trace, spans, scores }) => {
        const flat = allSpans(spans);
        const wanted = params.get('span');
        const selected = flat.find((node) => node.span.spanId === wanted) ?? flat[0];
        return (
          <section aria-labelledby="trace-heading">
            <div className="breadcrumbs"><Link to={`${base}/traces`}>Traces</Link> / <span className="mono">{trace.traceId}</span></div>
            <div className="page-header">
              <h1 id="trace-heading">{trace.name || '(unnamed trace)'}</h1>
              <TraceStatus status={trace.status} />
            </div>
            <div className="trace-summary" aria-label="Trace summary">
              <span>Started <strong>{formatTime(trace.startUs / 1000)}</strong></span>
              <span>Duration <strong>{formatDuration(trace.latencyMs)}</strong></span>
              <span>Spans <strong>{formatNumber(trace.spanCount)}</strong></span>
              <span>Tokens <strong>{formatNumber(trace.inputTokens)}</strong> in / <strong>{formatNumber(trace.outputTokens)}</strong> out</span>
              <span>Cost <strong>{formatUsd(trace.cost)}</strong></span>
              {trace.models.length > 0 && <span>Models <strong>{trace.models.join(', ')}</strong></span>}
              {trace.userId !== null && <span>User <strong>{trace.userId}</strong></span>}
              {trace.sessionId !== null && <span>Session <Link to={`${base}/sessions/${encodeURIComponent(trace.sessionId)}`}>{trace.sessionId}</Link></span>}
              {trace.tags.length > 0 && <span>{trace.tags.map((tag) => <span key={tag} className="tag">{tag}</span>)}</span>}
            </div>
            <div className="trace-layout">
              <SpanTree roots={spans} totalMs={trace.latencyMs} selectedId={selected?.span.spanId ?? null} onSelect={selectSpan} />
              {selected === undefined ? <div className="state state-empty">This trace has no spans.</div> : <SpanDetail span={selected.span} />}
            </div>
            <ScoresPanel
              client={client}
              traceId={trace.traceId}
              scores={scores}
              selectedSpan={selected === undefined ? null : { spanId: selected.span.spanId, name: selected.span.name }}
              onAdded={detail.reload}
            />
          </section>
        );
      }}
    </LoadState>
  );
}
