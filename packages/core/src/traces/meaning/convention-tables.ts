import type { ConventionTable } from './field-rule.ts';
import { keelTable } from './keel-table.ts';
import { langfuseTable } from './langfuse-table.ts';
import { openInferenceTable } from './openinference-table.ts';
import { otelGenAiTable } from './otel-genai-table.ts';
import { otelTable } from './otel-table.ts';
import { vercelAiTable } from './vercel-ai-table.ts';

/**
 * Tables in priority order. Langfuse's and Keel's attributes are set by the application on purpose,
 * so they win. The AI SDK comes before GenAI because it also writes `gen_ai.system` with its own
 * values (`openai.chat`); its `ai.*` keys appear on no other span. GenAI and OpenInference rarely
 * meet on one span; GenAI is the standard, so it goes first. General OTel keys come last.
 */
export const conventionTables: readonly ConventionTable[] = [langfuseTable, keelTable, vercelAiTable, otelGenAiTable, openInferenceTable, otelTable];
