import type { KeelClient } from '@keel/sdk/client';

/** Downloads an artifact through the SDK (a web stream) into a Blob of the given type. */
export async function readArtifact(client: KeelClient, runId: string, path: string, type = ''): Promise<Blob> {
  const stream = await client.runs.downloadArtifact(runId, path);
  const blob = await new Response(stream).blob();
  return type === '' ? blob : new Blob([blob], { type });
}
