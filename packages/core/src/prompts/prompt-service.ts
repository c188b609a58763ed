import {
  invalid, latestPromptLabel, notFound, type Page, type PromptLabelEvent, type PromptRef, type PromptStore, type PromptSummary,
  type PromptUsageRow, type PromptVersion, type TraceStore,
} from '@keel/spec';
import type { Clock } from '../ports.ts';
import { diffPromptVersions, type PromptVersionDiff } from './diff-prompt-versions.ts';
import { parseTimeBound } from './parse-time-bound.ts';
import { type PromptVersionInput, validateNewPromptVersion } from './validate-new-prompt-version.ts';
import { validatePromptLabel, validateReadLabel } from './validate-prompt-label.ts';
import { validatePromptName } from './validate-prompt-name.ts';

export interface PromptServiceDeps {
  /** Prompts, and the trace store's roll-up of usage per prompt version. */
  store: PromptStore & Pick<TraceStore, 'promptUsage'>;
  clock: Clock;
}

export interface CreatePromptInput extends PromptVersionInput {
  name: string;
}

export interface PromptUsage {
  name: string;
  from: number;
  to: number;
  versions: PromptUsageRow[];
}

interface PageInput {
  maxResults?: number | undefined;
  pageToken?: string | undefined;
}

function pageSize(input: PageInput, fallback: number): number {
  const size = input.maxResults ?? fallback;
  if (!Number.isInteger(size) || size < 1 || size > 1000) throw invalid('maxResults must be between 1 and 1000');
  return size;
}

export function createPromptService({ store, clock }: PromptServiceDeps) {
  const by = (actor: string) => ({ actor, now: clock.now() });
  const requireSummary = async (projectId: number, name: string): Promise<PromptSummary> => {
    const summary = await store.getPromptSummary(projectId, name);
    if (summary === undefined) throw notFound(`Prompt '${name}' not found`);
    return summary;
  };
  const resolve = async (projectId: number, name: string, ref: PromptRef): Promise<PromptVersion> => {
    const found = await store.getPromptVersion(projectId, name, ref);
    if (found !== undefined) return found;
    await requireSummary(projectId, name);
    throw notFound('version' in ref ? `Prompt '${name}' has no version ${ref.version}` : `Prompt '${name}' has no label '${ref.label}'`);
  };

  return {
    /** The next version of a prompt, creating the prompt when it is new. */
    async createVersion(projectId: number, input: CreatePromptInput, actor: string): Promise<PromptVersion> {
      validatePromptName(input.name);
      return store.createPromptVersion(projectId, input.name, validateNewPromptVersion(input), by(actor));
    },
    /** By version, or by label; neither means `latest`. */
    async getVersion(projectId: number, name: string, select: { label?: string | undefined; version?: number | undefined }): Promise<PromptVersion> {
      if (select.label !== undefined && select.version !== undefined) throw invalid('Give label or version, not both');
      if (select.version !== undefined) return resolve(projectId, name, { version: select.version });
      const label = select.label ?? latestPromptLabel;
      validateReadLabel(label);
      return resolve(projectId, name, { label });
    },
    getSummary: requireSummary,
    listPrompts: (projectId: number, input: PageInput): Promise<Page<PromptSummary>> => store.listPrompts(projectId, { maxResults: pageSize(input, 100), pageToken: input.pageToken }),
    listVersions: (projectId: number, name: string, input: PageInput): Promise<Page<PromptVersion>> =>
      store.listPromptVersions(projectId, name, { maxResults: pageSize(input, 100), pageToken: input.pageToken }),
    /** Points a label at a version: a deploy, or a rollback, in one step. */
    async setLabel(projectId: number, name: string, label: string, version: number, actor: string): Promise<{ name: string; label: string; version: number; previousVersion: number | null }> {
      validatePromptLabel(label);
      const { previousVersion } = await store.setPromptLabel(projectId, name, label, version, by(actor));
      return { name, label, version, previousVersion };
    },
    async deleteLabel(projectId: number, name: string, label: string, actor: string): Promise<void> {
      validatePromptLabel(label);
      await store.deletePromptLabel(projectId, name, label, by(actor));
    },
    labelHistory: (projectId: number, name: string, options: { limit?: number | undefined; label?: string | undefined }): Promise<PromptLabelEvent[]> =>
      store.listPromptLabelEvents(projectId, name, { limit: Math.min(options.limit ?? 100, 1000), label: options.label }),
    async diff(projectId: number, name: string, from: number, to: number): Promise<PromptVersionDiff> {
      const [before, after] = await Promise.all([resolve(projectId, name, { version: from }), resolve(projectId, name, { version: to })]);
      return diffPromptVersions(before, after);
    },
    /** Usage per version over traces whose spans name this prompt, in [from, to). */
    async usage(projectId: number, name: string, window: { from: string; to: string }): Promise<PromptUsage> {
      const from = parseTimeBound(window.from, 'from');
      const to = parseTimeBound(window.to, 'to');
      if (to <= from) throw invalid('to must be after from');
      await requireSummary(projectId, name);
      const versions = await store.promptUsage(projectId, name, { fromUs: from * 1000, toUs: to * 1000 });
      return { name, from, to, versions };
    },
  };
}

export type PromptService = ReturnType<typeof createPromptService>;
