import type { Attributes } from '@opentelemetry/api';

export const keelSpanKinds = ['llm', 'tool', 'retrieval', 'agent', 'chain', 'guardrail', 'evaluator', 'embedding'] as const;
export type KeelSpanKind = (typeof keelSpanKinds)[number];

/**
 * What a span does, in the conventions Keel's mapper reads: the OTel GenAI operation where GenAI has
 * one, else the OpenInference span kind (GenAI has no retrieval, chain, guardrail or evaluator).
 */
export function spanKindAttributes(kind: KeelSpanKind, name: string): Attributes {
  switch (kind) {
    case 'llm':
      return { 'gen_ai.operation.name': 'chat' };
    case 'embedding':
      return { 'gen_ai.operation.name': 'embeddings' };
    case 'tool':
      return { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': name };
    case 'agent':
      return { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': name };
    case 'retrieval':
      return { 'openinference.span.kind': 'RETRIEVER' };
    case 'chain':
      return { 'openinference.span.kind': 'CHAIN' };
    case 'guardrail':
      return { 'openinference.span.kind': 'GUARDRAIL' };
    case 'evaluator':
      return { 'openinference.span.kind': 'EVALUATOR' };
  }
}
