import { type Project, createdProjectSchema, projectSchema } from '@keel/spec';
import { z } from 'zod';
import type { Transport } from './create-transport.ts';

export type CreatedProject = z.infer<typeof createdProjectSchema>;

export interface ProjectsApi {
  /** Every project for the instance administrator; a project key sees its own. */
  list(): Promise<Project[]>;
  /** Instance administrator only. The answer holds the project's first admin key, shown this once. */
  create(name: string): Promise<CreatedProject>;
}

const projectListSchema = z.object({ items: z.array(projectSchema) });

export function createProjectsApi(transport: Transport): ProjectsApi {
  return {
    list: async () => (await transport.request({ method: 'GET', path: '/api/v1/projects', schema: projectListSchema })).items,
    create: (name) => transport.request({ method: 'POST', path: '/api/v1/projects', json: { name }, schema: createdProjectSchema }),
  };
}
