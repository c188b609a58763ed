import { z } from 'zod';
import { roles } from '../domain/auth.ts';

export const projectSchema = z.object({ id: z.number(), name: z.string(), createdAt: z.number() });
export const apiKeySchema = z.object({
  id: z.string(),
  projectName: z.string(),
  name: z.string(),
  role: z.enum(roles),
  superuser: z.boolean(),
  prefix: z.string(),
  createdAt: z.number(),
  revokedAt: z.number().nullable(),
});
export const createProjectSchema = z.object({ name: z.string().min(1) });
export const createKeySchema = z.object({ name: z.string().min(1).max(200).default('api key'), role: z.enum(roles) });
/** A key as created: the only time its secret is shown. */
export const createdKeySchema = z.object({ key: apiKeySchema, secret: z.string() });
export const createdProjectSchema = z.object({ project: projectSchema, adminKey: createdKeySchema });
/** The web UI trades the one-time link's token (`/sign-in#token=...`) for an API key. */
export const signInRequestSchema = z.object({ token: z.string().min(1).max(200) });
