import type { WireSpan } from '@keel/spec';
import type { ReactNode } from 'react';
import { formatDuration, formatNumber, formatTime, formatUsd } from '../../lib/format.ts';
import { parseArguments, retrievedDocuments, toConversation } from '../../lib/traces/to-conversation.ts';
import { ChatMessages } from './chat-messages.tsx';
import { JsonBlock } from './json-block.tsx';
import { TraceStatus } from './trace-status.tsx';
import './traces.css';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
/** The span's OTLP attributes as received (the server keeps them under raw.attributes). */
const attributesOf = (span: WireSpan): Record<string, unknown> => (isRecord(span.raw.attributes) ? span.raw.attributes : {});

function Io({ title, value }: { title: string; value: unknown }) {
  if (value === null || value === undefined || value === '') return null;
  const conversation = toConversation(value);
  const documents = retrievedDocuments(value);
  if (conversation !== null && conversation.length === 0 && documents.length > 0) return null;
  return (
    <>
      <h3>{title}</h3>
      {conversation === null ? <JsonBlock value={value} label={title} /> : <ChatMessages messages={conversation} label={title} />}
    </>
  );
}

function Documents({ value }: { value: unknown }) {
  const documents = retrievedDocuments(value);
  if (documents.length === 0) return null;
  return (
    <>
      <h3>Retrieved documents ({documents.length})</h3>
      <ol className="documents" aria-label="Retrieved documents">
        {documents.map((document, index) => (
          <li key={index} className="document">
            <div className="document-head">
              <span>#{index + 1}</span>
              {document.id !== null && <span className="mono">{document.id}</span>}
              {document.score !== null && <span>score {formatNumber(document.score)}</span>}
            </div>
            <div className="chat-text">{document.content}</div>
            {document.metadata !== null && <pre>{JSON.stringify(document.metadata, null, 2)}</pre>}
          </li>
        ))}
      </ol>
    </>
  );
}

/** A tool span: its name and the arguments it was called with (the span's input). */
function ToolInvocation({ span }: { span: WireSpan }) {
  if (span.kind !== 'tool') return null;
  const named = attributesOf(span)['gen_ai.tool.name'] ?? attributesOf(span)['tool.name'];
  const toolName = typeof named === 'string' ? named : span.name;
  return (
    <>
      <h3>Tool call</h3>
      <div className="tool-call" data-testid="tool-call">
        <span className="muted">Tool </span><span className="tool-call-name">{toolName}</span>
        <pre aria-label={`Arguments of ${toolName}`}>{span.input === null ? '(no arguments recorded)' : JSON.stringify(parseArguments(span.input), null, 2)}</pre>
      </div>
      {span.output !== null && (
        <>
          <h3>Tool result</h3>
          <JsonBlock value={parseArguments(span.output)} label="Tool result" />
        </>
      )}
    </>
  );
}

const attributeText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** Everything about one span: facts, error, messages, tool call, documents and raw attributes. */
export function SpanDetail({ span }: { span: WireSpan }) {
  const facts: [string, ReactNode][] = [
    ['Kind', span.kind],
    ['Status', <TraceStatus key="status" status={span.status} message={span.statusMessage} />],
    ['Started', formatTime(span.startUs / 1000)],
    ['Duration', formatDuration(span.latencyMs)],
  ];
  if (span.model !== null) facts.push(['Model', span.model]);
  if (span.provider !== null) facts.push(['Provider', span.provider]);
  if (span.inputTokens !== null) facts.push(['Input tokens', formatNumber(span.inputTokens)]);
  if (span.outputTokens !== null) facts.push(['Output tokens', formatNumber(span.outputTokens)]);
  if (span.cachedInputTokens !== null) facts.push(['Cached input tokens', formatNumber(span.cachedInputTokens)]);
  if (span.cost !== null) facts.push(['Cost', `${formatUsd(span.cost)}${span.costSource === 'computed' ? ' (computed)' : ''}`]);
  if (span.timeToFirstTokenMs !== null) facts.push(['Time to first token', formatDuration(span.timeToFirstTokenMs)]);
  if (span.promptName !== null) facts.push(['Prompt', `${span.promptName}${span.promptVersion === null ? '' : ` v${span.promptVersion}`}`]);
  if (span.serviceName !== null) facts.push(['Service', span.serviceName]);
  const attributes = Object.entries(attributesOf(span)).sort(([a], [b]) => a.localeCompare(b));
  const isTool = span.kind === 'tool';
  return (
    <section className="span-detail" aria-label="Span detail">
      <h2>{span.name}</h2>
      <dl className="span-facts">
        {facts.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {span.status === 'error' && <div className="span-error" role="note" aria-label="Error">{span.statusMessage || 'The span failed.'}</div>}
      <ToolInvocation span={span} />
      {!isTool && <Io title="Input" value={span.input} />}
      {!isTool && <Io title="Output" value={span.output} />}
      <Documents value={span.output} />
      <h3>Attributes ({attributes.length})</h3>
      {attributes.length === 0 ? <p className="muted">No attributes.</p> : (
        <table className="simple attributes" aria-label="Attributes">
          <tbody>
            {attributes.map(([key, value]) => (
              <tr key={key}>
                <td>{key}</td>
                <td>{attributeText(value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
