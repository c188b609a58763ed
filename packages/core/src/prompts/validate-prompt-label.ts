import { invalid, latestPromptLabel, promptLabelPattern } from '@keel/spec';

/** A label users may set: `[a-z0-9_.-]{1,36}`, and never `latest` (it always names the highest version). */
export function validatePromptLabel(label: string): void {
  if (label === latestPromptLabel) throw invalid(`The label '${latestPromptLabel}' is reserved: it always names the highest version and cannot be set or deleted`);
  if (!promptLabelPattern.test(label)) throw invalid(`Invalid label '${label.slice(0, 100)}': use 1-36 of a-z, 0-9, '_', '.', '-'`);
}

/** A label to read by: any valid label, `latest` included. */
export function validateReadLabel(label: string): void {
  if (label !== latestPromptLabel) validatePromptLabel(label);
}
