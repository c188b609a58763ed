import type { PromptVersion } from '@keel/sdk/client';

export interface LabelAssignment {
  label: string;
  version: number;
}

/** `latest` always names the newest version: the server moves it, nobody else can. */
export const automaticLabel = 'latest';

/** Which version each label names, read off the versions; `production` first, then by name. */
export function labelAssignments(versions: readonly PromptVersion[]): LabelAssignment[] {
  const assignments = versions.flatMap((version) => version.labels.filter((label) => label !== automaticLabel).map((label) => ({ label, version: version.version })));
  return assignments.sort((a, b) => (a.label === 'production' ? -1 : b.label === 'production' ? 1 : a.label.localeCompare(b.label)));
}
