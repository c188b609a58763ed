import type { RegisteredModel } from '@keel/sdk/client';

/** The highest version number among a model's latest versions (one per stage); null without versions. */
export function latestVersion(model: RegisteredModel): number | null {
  const numbers = model.latestVersions.map((version) => Number(version.version)).filter((number) => Number.isFinite(number));
  return numbers.length === 0 ? null : Math.max(...numbers);
}
