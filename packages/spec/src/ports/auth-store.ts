import type { ApiKeyRecord, Project, Role } from '../domain/auth.ts';

export interface NewApiKey {
  id: string;
  projectId: number;
  name: string;
  role: Role;
  superuser: boolean;
  keyHash: string;
  prefix: string;
  createdAt: number;
}

export interface AuthStore {
  createProject(name: string, now: number): Promise<Project>;
  getProjectByName(name: string): Promise<Project | undefined>;
  listProjects(): Promise<Project[]>;
  createApiKey(key: NewApiKey): Promise<ApiKeyRecord>;
  findApiKeyByHash(keyHash: string): Promise<ApiKeyRecord | undefined>;
  listApiKeys(projectId: number | undefined): Promise<ApiKeyRecord[]>;
  /** True when a key with that id existed in the project (or anywhere when projectId is undefined) and is now revoked. */
  revokeApiKey(id: string, projectId: number | undefined, now: number): Promise<boolean>;
}
