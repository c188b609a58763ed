import type { WireTraceSummary } from '@keel/spec';
import { Link, useParams } from 'react-router-dom';
import { useProject } from '../api/use-project.ts';
import { LoadState } from '../components/load-state.tsx';
import { ChatMessages } from '../components/traces/chat-messages.tsx';
import { JsonBlock } from '../components/traces/json-block.tsx';
import { TraceStatus } from '../components/traces/trace-status.tsx';
import { formatDuration, formatNumber, formatTime, formatUsd } from '../lib/format.ts';
import { newTurnMessages } from '../lib/traces/new-turn-messages.ts';
import { type ConversationMessage, toConversation } from '../lib/traces/to-conversation.ts';
import { usePagedList } from '../lib/use-paged-list.ts';

/** A root span's input or output: messages, or plain text said by `role`; null when it is neither. */
function asConversation(value: unknown, role: 'user' | 'assistant'): ConversationMessage[] | null {
  if (typeof value === 'string') return value === '' ? null : [{ role, parts: [{ kind: 'text', text: value }] }];
  return toConversation(value);
}

function Turn({ trace, base }: { trace: WireTraceSummary; base: string }) {
  const input = asConversation(trace.input, 'user');
  const output = asConversation(trace.output, 'assistant');
  return (
    <li className="session-turn" aria-label={`Turn ${trace.name}`}>
      <div className="session-turn-head">
        <Link to={`${base}/traces/${trace.traceId}`}>{trace.name || '(unnamed trace)'}</Link>
        <span className="mono">{formatTime(trace.startUs / 1000)}</span>
        <span>{formatDuration(trace.latencyMs)}</span>
        <span>{formatNumber(trace.inputTokens + trace.outputTokens)} tokens</span>
        <span>{formatUsd(trace.cost)}</span>
        {trace.userId !== null && <span>user {trace.userId}</span>}
        <TraceStatus status={trace.status} />
      </div>
      {input !== null ? <ChatMessages messages={newTurnMessages(input)} label="Turn input" /> : trace.input !== null && trace.input !== undefined && <JsonBlock value={trace.input} label="Turn input" />}
      {output !== null ? <ChatMessages messages={output} label="Turn output" /> : trace.output !== null && trace.output !== undefined && <JsonBlock value={trace.output} label="Turn output" />}
    </li>
  );
}

/** A session as a conversation: its traces oldest first, each with what came in and what went out. */
export function SessionPage() {
  const { project, client } = useProject();
  const { sessionId = '' } = useParams();
  const base = `/p/${encodeURIComponent(project)}`;
  const turns = usePagedList((pageToken) => client.traces.sessionTraces(sessionId, { limit: 50, pageToken }), [client, sessionId]);
  return (
    <section aria-labelledby="session-heading">
      <div className="breadcrumbs"><Link to={`${base}/sessions`}>Sessions</Link> / <span className="mono">{sessionId}</span></div>
      <h1 id="session-heading">Session {sessionId}</h1>
      <LoadState result={turns} isEmpty={(rows) => rows.length === 0} empty="This session has no traces.">
        {(rows) => (
          <>
            <p className="muted">
              {formatNumber(rows.length)} turns, {formatNumber(rows.reduce((sum, row) => sum + row.inputTokens + row.outputTokens, 0))} tokens, {formatUsd(rows.reduce((sum, row) => sum + row.cost, 0))}
              {turns.hasMore ? ' so far' : ''}
            </p>
            <ol className="session-turns" aria-label="Conversation">
              {rows.map((trace) => <Turn key={trace.traceId} trace={trace} base={base} />)}
            </ol>
            {turns.hasMore && <button type="button" onClick={turns.loadMore} disabled={turns.loading} style={{ marginTop: '1rem' }}>{turns.loading ? 'Loading…' : 'Load more turns'}</button>}
          </>
        )}
      </LoadState>
    </section>
  );
}
