import type { ConversationMessage, MessagePart } from '../../lib/traces/to-conversation.ts';
import './traces.css';

const pretty = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value, null, 2));

function Part({ part }: { part: MessagePart }) {
  switch (part.kind) {
    case 'text':
      return part.text === '' ? null : <div className="chat-text">{part.text}</div>;
    case 'tool_call':
      return (
        <div className="tool-call" data-testid="tool-call">
          <div>
            <span className="muted">Tool call </span>
            <span className="tool-call-name">{part.name}</span>
            {part.id !== null && <span className="muted mono"> {part.id}</span>}
          </div>
          <pre aria-label={`Arguments of ${part.name}`}>{pretty(part.args)}</pre>
        </div>
      );
    case 'tool_result':
      return (
        <div className="tool-result">
          <span className="muted">Tool result{part.id === null ? '' : ` ${part.id}`}</span>
          <pre>{pretty(part.result)}</pre>
        </div>
      );
    case 'json':
      return <pre className="chat-text mono">{pretty(part.value)}</pre>;
  }
}

/** Messages as a conversation: one bubble per message with its role, text, tool calls and results. */
export function ChatMessages({ messages, label }: { messages: readonly ConversationMessage[]; label: string }) {
  return (
    <ol className="chat" aria-label={label} style={{ listStyle: 'none', padding: 0, margin: 0 }}>
      {messages.map((message, index) => (
        <li key={index} className={`chat-message role-${message.role}`} data-role={message.role}>
          <div className="chat-role">{message.role}</div>
          {message.parts.length === 0 ? <span className="muted">(empty)</span> : message.parts.map((part, partIndex) => <Part key={partIndex} part={part} />)}
        </li>
      ))}
    </ol>
  );
}
