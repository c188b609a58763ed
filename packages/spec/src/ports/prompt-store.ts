import type { PromptContent, PromptLabelEvent, PromptRef, PromptSummary, PromptVersion } from '../domain/prompts.ts';
import type { Page } from '../domain/tracking.ts';
import type { RegistryActor } from './registry-store.ts';

export interface NewPromptVersion {
  content: PromptContent;
  variables: string[];
  config: Record<string, unknown>;
  /** Labels to point at the new version, moved from wherever they pointed (never `latest`). */
  labels: string[];
  commitMessage: string;
  authorName: string;
}

export interface PromptStore {
  /**
   * Stores the next version of prompt `name`, creating the prompt when it is new, in one transaction.
   * Versions count 1, 2, 3... per prompt with no gap or repeat, also when several servers create at once.
   */
  createPromptVersion(projectId: number, name: string, version: NewPromptVersion, by: RegistryActor): Promise<PromptVersion>;
  /** By number, or by label; the label `latest` names the highest version. */
  getPromptVersion(projectId: number, name: string, ref: PromptRef): Promise<PromptVersion | undefined>;
  /** Ordered by name. */
  listPrompts(projectId: number, options: { maxResults: number; pageToken?: string | undefined }): Promise<Page<PromptSummary>>;
  getPromptSummary(projectId: number, name: string): Promise<PromptSummary | undefined>;
  /** Newest first. */
  listPromptVersions(projectId: number, name: string, options: { maxResults: number; pageToken?: string | undefined }): Promise<Page<PromptVersion>>;
  /** Points `label` at `version` (404 when either the prompt or the version is unknown); returns the version it pointed at before. */
  setPromptLabel(projectId: number, name: string, label: string, version: number, by: RegistryActor): Promise<{ previousVersion: number | null }>;
  /** 404 when the label is not set. */
  deletePromptLabel(projectId: number, name: string, label: string, by: RegistryActor): Promise<void>;
  /** Label moves of one prompt, newest first. */
  listPromptLabelEvents(projectId: number, name: string, options: { limit: number; label?: string | undefined }): Promise<PromptLabelEvent[]>;
}
