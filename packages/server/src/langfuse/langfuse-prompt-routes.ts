import { defaultPromptLabel, langfusePromptQuerySchema, langfusePromptSchema, type PromptVersion } from '@keel/spec';
import { z } from 'zod';
import type { AppServices } from '../app-services.ts';
import { defineRoute } from '../http/route-spec.ts';

/** A version in the JSON of Langfuse's `GET /api/public/v2/prompts/{name}` (the `Prompt` type its SDKs read). */
export function toLangfusePrompt(version: PromptVersion, projectName: string): z.infer<typeof langfusePromptSchema> {
  const at = new Date(version.createdAt).toISOString();
  const common = {
    id: `${version.name}@${version.version}`,
    projectId: projectName,
    name: version.name,
    version: version.version,
    config: version.config,
    labels: version.labels,
    tags: [],
    commitMessage: version.commitMessage === '' ? null : version.commitMessage,
    createdAt: at,
    // Versions never change after creation.
    updatedAt: at,
    createdBy: version.authorName === '' ? version.createdBy : version.authorName,
    isActive: null,
    resolutionGraph: null,
  };
  return version.type === 'text'
    ? { ...common, type: 'text', prompt: version.template }
    : { ...common, type: 'chat', prompt: version.messages.map((message) => ({ type: 'chatmessage' as const, role: message.role, content: message.content })) };
}

/**
 * The read side of Langfuse's prompt API, so that Langfuse SDKs (`langfuse.prompt.get(name)`) fetch
 * prompts from Keel unchanged. They authenticate with Basic publicKey:secretKey; the secret is a
 * Keel API key and the public key is ignored. Without label or version, `production` is resolved,
 * as Langfuse does. Both templates use `{{variable}}`, so Langfuse's own compile() works on them.
 */
export function langfusePromptRoutes({ prompts }: AppServices) {
  return [
    defineRoute({
      method: 'GET', url: '/api/public/v2/prompts/:name', access: 'read', api: 'langfuse', summary: 'A prompt version in Langfuse\'s JSON (default label production)',
      params: z.object({ name: z.string() }), query: langfusePromptQuerySchema, response: langfusePromptSchema,
      handler: async ({ principal, params, query }) => {
        const version = await prompts.getVersion(principal.projectId, params.name, query.version === undefined ? { label: query.label ?? defaultPromptLabel } : { version: query.version, label: query.label });
        return toLangfusePrompt(version, principal.projectName);
      },
    }),
  ];
}
