import type { AttributeValue, Attributes, Span } from '@opentelemetry/api';
import { toAttributeText } from './to-attribute-text.ts';

/** What `trace()` and `span()` hand to the function they run. */
export interface SpanHandle {
  /** The OpenTelemetry span, for anything this handle does not cover. */
  readonly span: Span;
  readonly traceId: string;
  readonly spanId: string;
  setAttribute(key: string, value: AttributeValue): void;
  setAttributes(attributes: Attributes): void;
  /** Records the span's input (`input.value`); strings as they are, anything else as JSON. */
  setInput(value: unknown): void;
  /** Records the output; once called, the function's return value is no longer recorded in its place. */
  setOutput(value: unknown): void;
  addEvent(name: string, attributes?: Attributes): void;
}

export interface SpanHandleState extends SpanHandle {
  outputSet: boolean;
}

export function setValueAttributes(span: Span, prefix: 'input' | 'output', value: unknown, maxChars: number): void {
  const text = toAttributeText(value, maxChars);
  if (text === undefined) return;
  span.setAttribute(`${prefix}.value`, text.text);
  span.setAttribute(`${prefix}.mime_type`, text.mimeType);
}

/** A class, not a closure per span: its methods live on one prototype, which keeps per-span cost down. */
class Handle implements SpanHandleState {
  outputSet = false;
  constructor(
    readonly span: Span,
    private readonly maxChars: number,
  ) {}
  get traceId(): string {
    return this.span.spanContext().traceId;
  }
  get spanId(): string {
    return this.span.spanContext().spanId;
  }
  setAttribute(key: string, value: AttributeValue): void {
    this.span.setAttribute(key, value);
  }
  setAttributes(attributes: Attributes): void {
    this.span.setAttributes(attributes);
  }
  setInput(value: unknown): void {
    setValueAttributes(this.span, 'input', value, this.maxChars);
  }
  setOutput(value: unknown): void {
    this.outputSet = true;
    setValueAttributes(this.span, 'output', value, this.maxChars);
  }
  addEvent(name: string, attributes?: Attributes): void {
    this.span.addEvent(name, attributes);
  }
}

export function createSpanHandle(span: Span, maxChars: number): SpanHandleState {
  return new Handle(span, maxChars);
}
