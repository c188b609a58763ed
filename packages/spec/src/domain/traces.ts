/**
 * Tracing: spans as OTLP delivers them, spans as Keel stores them (normalised), and what the
 * query side assembles from them (traces, sessions, aggregates, scores).
 */

/** An attribute value as OTLP carries it, kept losslessly: int64 beyond 2^53 stays a decimal string, bytes are base64. */
export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };
export type Attributes = Record<string, AttributeValue>;

/** One span exactly as decoded from an OTLP request, before any interpretation. */
export interface OtlpSpan {
  /** 32 lowercase hex characters, not all zero. */
  traceId: string;
  /** 16 lowercase hex characters, not all zero. */
  spanId: string;
  parentSpanId: string | null;
  name: string;
  /** OTel SpanKind: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  otelKind: number;
  /** Nanoseconds since the epoch as a decimal string (int64 does not fit a double). */
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Attributes;
  events: { name: string; timeUnixNano: string; attributes: Attributes }[];
  links: { traceId: string; spanId: string; attributes: Attributes }[];
  /** OTel status code: 0 unset, 1 ok, 2 error. */
  status: { code: number; message: string };
  resource: Attributes;
  scope: { name: string; version: string };
}

/** A span of a request that was not kept, as reported in OTLP `partial_success`. */
export interface RejectedSpan {
  /** Position of the span in the request, counting over all resource and scope groups. */
  index: number;
  spanId: string | null;
  reason: string;
}

export interface OtlpDecodeResult {
  spans: OtlpSpan[];
  rejected: RejectedSpan[];
}

export const spanKinds = ['llm', 'embedding', 'retrieval', 'tool', 'agent', 'chain', 'guardrail', 'evaluator', 'span'] as const;
/** What a span does. `span` is a plain span no convention gave a meaning to. */
export type SpanKind = (typeof spanKinds)[number];

export const spanStatuses = ['unset', 'ok', 'error'] as const;
export type SpanStatus = (typeof spanStatuses)[number];

/** A chat message, normalised across conventions. `content` is text, or the convention's structured parts as JSON. */
export interface ChatMessage {
  role: string;
  content: AttributeValue;
}

/** What the mapper reads out of a span's attributes (all optional: most spans carry few of them). */
export interface SpanMeaning {
  kind: SpanKind;
  provider: string | null;
  requestModel: string | null;
  responseModel: string | null;
  /** Messages (or plain text) sent in; null when the span carries none. */
  input: ChatMessage[] | string | null;
  output: ChatMessage[] | string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  /** Input tokens read from the provider's cache (included in inputTokens, as in OTel GenAI). */
  cachedInputTokens: number | null;
  /** Cost in USD as the instrumentation reported it, if it did. */
  providedCost: number | null;
  timeToFirstTokenMs: number | null;
  sessionId: string | null;
  userId: string | null;
  tags: string[];
  promptName: string | null;
  promptVersion: number | null;
  /** The gateway's virtual key name (`keel.gateway.key`) on the spans the Keel gateway writes for its calls. */
  gatewayKey: string | null;
  /** Error type or message from the attributes (`error.type`, exception events), when the span failed. */
  error: string | null;
}

/** One stored span: the OTLP span plus its meaning, cost and derived timings. Append-only. */
export interface SpanRecord {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: SpanKind;
  /** Microseconds since the epoch (fits a double exactly until the year 2255). */
  startUs: number;
  endUs: number;
  latencyMs: number;
  status: SpanStatus;
  statusMessage: string;
  serviceName: string | null;
  provider: string | null;
  requestModel: string | null;
  responseModel: string | null;
  /** The model that answered: response model, else request model. */
  model: string | null;
  /** JSON text of the normalised input (messages or a string), null when none. */
  input: string | null;
  output: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  cachedInputTokens: number | null;
  /** USD; null when neither provided nor computable (unknown model, no tokens). */
  cost: number | null;
  costSource: 'provided' | 'computed' | null;
  timeToFirstTokenMs: number | null;
  sessionId: string | null;
  userId: string | null;
  tags: string[];
  promptName: string | null;
  promptVersion: number | null;
  /** The virtual key a gateway call was made with; null for other spans and for calls with a project API key. */
  gatewayKey: string | null;
  /** Version of the attribute mapper that produced the normalised fields. */
  mapperVersion: number;
  /** Everything OTLP sent, after PII masking, so that a later mapper can re-derive the fields. */
  raw: Pick<OtlpSpan, 'otelKind' | 'startTimeUnixNano' | 'endTimeUnixNano' | 'attributes' | 'events' | 'links' | 'status' | 'resource' | 'scope'>;
}

/** A trace, assembled at query time from the spans that share its id. */
export interface TraceSummary {
  traceId: string;
  /** The root span's name (the earliest span without a parent in the trace), else the earliest span's. */
  name: string;
  startUs: number;
  endUs: number;
  latencyMs: number;
  /** `error` when any span failed. */
  status: SpanStatus;
  userId: string | null;
  sessionId: string | null;
  tags: string[];
  models: string[];
  inputTokens: number;
  outputTokens: number;
  cost: number;
  spanCount: number;
  /** The root span's input and output JSON text (null when absent). */
  input: string | null;
  output: string | null;
}

/** A time window is required on every trace query: unbounded scans are what made other tools slow. */
export interface TimeWindow {
  fromUs: number;
  toUs: number;
}

export interface TraceListQuery extends TimeWindow {
  name?: string | undefined;
  userId?: string | undefined;
  sessionId?: string | undefined;
  /** Traces with at least one span on this model. */
  model?: string | undefined;
  status?: SpanStatus | undefined;
  tag?: string | undefined;
  minLatencyMs?: number | undefined;
  minCost?: number | undefined;
  /** Substring of any span's input or output (case-insensitive). */
  text?: string | undefined;
  limit: number;
  pageToken?: string | undefined;
}

export interface SessionSummary {
  sessionId: string;
  traceCount: number;
  firstUs: number;
  lastUs: number;
  userIds: string[];
  inputTokens: number;
  outputTokens: number;
  cost: number;
}

export interface SessionListQuery extends TimeWindow {
  userId?: string | undefined;
  limit: number;
  pageToken?: string | undefined;
}

export const aggregateGroups = ['model', 'provider', 'user', 'prompt_version', 'day', 'gateway_key'] as const;
/** `gateway_key` groups by the gateway's virtual key (see SpanRecord.gatewayKey); pair it with `serviceName: 'keel-gateway'`. */
export type AggregateGroup = (typeof aggregateGroups)[number];

/**
 * The groups cost totals take: the dimensions of the daily generation sums. Per-key cost is in the
 * gateway's own usage rows, so the rollup does not carry the gateway key.
 */
export const costTotalGroups = ['model', 'provider', 'user', 'prompt_version', 'day'] as const satisfies readonly AggregateGroup[];
export type CostTotalGroup = (typeof costTotalGroups)[number];

/** Aggregates count generations: spans that name a model. */
export interface AggregateQuery extends TimeWindow {
  groupBy: AggregateGroup;
  model?: string | undefined;
  promptName?: string | undefined;
  /** Only spans of this service (`service.name`), e.g. `keel-gateway` for the gateway's own spans. */
  serviceName?: string | undefined;
}

/** Cost and tokens only (no percentiles, no distinct traces), grouped by one or two dimensions: a plain scan of the generations index. */
export interface CostTotalsQuery extends TimeWindow {
  groupBy: [CostTotalGroup] | [CostTotalGroup, CostTotalGroup];
  model?: string | undefined;
  promptName?: string | undefined;
}

export interface CostTotalsRow {
  /** One value per `groupBy` dimension, labelled as in AggregateRow.group. */
  groups: string[];
  count: number;
  inputTokens: number;
  outputTokens: number;
  cost: number;
}

export interface AggregateRow {
  /** The group's value: model, provider, user id, `name@version`, the UTC day `YYYY-MM-DD` or the gateway key name; `(none)` when unset. */
  group: string;
  count: number;
  traceCount: number;
  inputTokens: number;
  outputTokens: number;
  cost: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
  latencyP99Ms: number;
}

export const scoreDataTypes = ['numeric', 'categorical', 'boolean'] as const;
export type ScoreDataType = (typeof scoreDataTypes)[number];
export const scoreSources = ['api', 'human', 'evaluator'] as const;
export type ScoreSource = (typeof scoreSources)[number];

export interface Score {
  id: string;
  traceId: string;
  /** The span scored; null when the score is on the whole trace. */
  spanId: string | null;
  name: string;
  dataType: ScoreDataType;
  /** Numeric value; booleans are 1 or 0; null for categorical. */
  value: number | null;
  /** The category for categorical scores; `true`/`false` for booleans; null for numeric. */
  label: string | null;
  source: ScoreSource;
  comment: string;
  /** The API key id that wrote the score. */
  author: string;
  createdAt: number;
}

export type NewScore = Omit<Score, 'id' | 'createdAt'>;

export const piiDetectors = ['email', 'phone', 'credit_card', 'iban', 'ip_address'] as const;
export type PiiDetector = (typeof piiDetectors)[number];

/** Per-project tracing settings. */
export interface TraceSettings {
  /** Spans older than this many days are deleted by the retention job; null keeps them forever. */
  retentionDays: number | null;
  pii: {
    detectors: PiiDetector[];
    custom: { name: string; pattern: string }[];
  };
  /** Prices that replace the shipped table for matching models (USD per 1M tokens). */
  prices: ModelPrice[];
}

export interface ModelPrice {
  /** Anchored, case-insensitive regular expression over the model name, e.g. `^(openai/)?gpt-4o(-\d{4}-\d{2}-\d{2})?$`. */
  pattern: string;
  input: number;
  output: number;
  cachedInput?: number | undefined;
}

export interface PromptUsageRow {
  version: number;
  count: number;
  inputTokens: number;
  outputTokens: number;
  cost: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
  /** Mean of numeric and boolean scores on the traces that used this version, per score name. */
  scores: { name: string; mean: number; count: number }[];
}
