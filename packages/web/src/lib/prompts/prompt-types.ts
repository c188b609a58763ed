import type { KeelClient } from '@keel/sdk/client';

// The prompt registry's shapes as the browser-safe client returns them.
type Prompts = KeelClient['prompts'];
export type PromptSummary = Awaited<ReturnType<Prompts['list']>>['items'][number];
export type PromptVersion = Awaited<ReturnType<Prompts['listVersions']>>['items'][number];
export type PromptDiff = Awaited<ReturnType<Prompts['diff']>>;
export type PromptLabelEvent = Awaited<ReturnType<Prompts['history']>>[number];
export type PromptUsage = Awaited<ReturnType<Prompts['usage']>>;
export type PromptUsageRow = PromptUsage['versions'][number];
