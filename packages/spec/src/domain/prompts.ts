/** Prompt registry: immutable, numbered versions of a text or chat template, and movable labels. */

export type PromptType = 'text' | 'chat';

export interface PromptMessage {
  role: string;
  content: string;
}

/** What a version holds: one template string, or a list of chat messages (each a template). */
export type PromptContent = { type: 'text'; template: string } | { type: 'chat'; messages: PromptMessage[] };

export type PromptVersion = PromptContent & {
  name: string;
  /** 1, 2, 3... per prompt; never reused. */
  version: number;
  /** The declared `{{variables}}`, each used by the template at least once. */
  variables: string[];
  /** Model settings versioned with the template (model, temperature, ...). */
  config: Record<string, unknown>;
  /** The labels that point at this version, with `latest` on the highest one; sorted. */
  labels: string[];
  commitMessage: string;
  /** The API key id that created the version. */
  createdBy: string;
  /** A name the client gave for the author (may be empty). */
  authorName: string;
  createdAt: number;
};

export interface PromptLabel {
  label: string;
  version: number;
}

export interface PromptSummary {
  name: string;
  /** The type of the latest version. */
  type: PromptType;
  latestVersion: number;
  /** Stored labels (not `latest`), sorted by label. */
  labels: PromptLabel[];
  createdAt: number;
  updatedAt: number;
}

/** A label set, moved or deleted: `fromVersion` null when it was new, `toVersion` null when it was deleted. */
export interface PromptLabelEvent {
  id: number;
  promptName: string;
  label: string;
  fromVersion: number | null;
  toVersion: number | null;
  actor: string;
  at: number;
}

/** A version by number, or by label (`latest` names the highest version). */
export type PromptRef = { version: number } | { label: string };

/** Resolves to the highest version; never stored, so it cannot be set or deleted. */
export const latestPromptLabel = 'latest';
/** What the Langfuse-compatible endpoint resolves when no label or version is given, as Langfuse does. */
export const defaultPromptLabel = 'production';
export const promptLabelPattern = /^[a-z0-9_.-]{1,36}$/;
export const promptVariablePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Letters, digits and `_ . - /` (folders, as in Langfuse), starting with a letter or digit. */
export const promptNamePattern = /^[A-Za-z0-9][A-Za-z0-9_.\-/]{0,199}$/;

export const promptLimits = {
  templateChars: 100_000,
  messages: 500,
  roleChars: 64,
  variables: 200,
  configBytes: 64 * 1024,
  commitMessageChars: 2_000,
  authorNameChars: 200,
  labelsPerCreate: 20,
} as const;
