import { type ApiKeyRecord, type KeelStore, KeelError, hasErrorCode, type Principal, type Project, type Role, roleAtLeast } from '@keel/spec';
import type { Clock, IdGenerator } from '../ports.ts';
import { hashApiKey, issueApiKey } from './api-key-secret.ts';
import { createSingleFlightCache } from '../cache/single-flight-cache.ts';

export interface AuthServiceDeps {
  store: KeelStore;
  clock: Clock;
  ids: IdGenerator;
  /** How long a verified key is remembered (default 2 s; 0 turns the cache off). */
  keyCacheMs?: number;
}

export interface CreatedKey {
  key: ApiKeyRecord;
  /** Shown once; only its hash is stored. */
  secret: string;
}

const projectNamePattern = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export function createAuthService({ store, clock, ids, keyCacheMs = 2000 }: AuthServiceDeps) {
  // Recently verified keys by secret (a SHA-256 and a query per request otherwise). A key revoked
  // through another server stops working here within `keyCacheMs`; through this one, at once.
  const keys = createSingleFlightCache<ApiKeyRecord>(keyCacheMs, () => clock.now());
  const createKey = async (project: Project, name: string, role: Role, superuser: boolean): Promise<CreatedKey> => {
    const issued = issueApiKey(ids);
    const key = await store.createApiKey({ id: issued.id, projectId: project.id, name, role, superuser, keyHash: issued.hash, prefix: issued.prefix, createdAt: clock.now() });
    return { key, secret: issued.secret };
  };
  const requireProject = async (name: string): Promise<Project> => {
    const project = await store.getProjectByName(name);
    if (project === undefined) throw new KeelError('RESOURCE_DOES_NOT_EXIST', `No project named '${name}'`);
    return project;
  };

  return {
    /**
     * The caller behind a secret, or UNAUTHENTICATED. The instance administrator may act in another
     * project by naming it (`X-Keel-Project`); any other key is bound to its own project.
     */
    async authenticate(secret: string | undefined, projectName: string | undefined): Promise<Principal> {
      if (secret === undefined || secret === '') throw new KeelError('UNAUTHENTICATED', 'An API key is required: send Authorization: Bearer <key>');
      const record = await keys.get(secret, async () => {
        const found = await store.findApiKeyByHash(hashApiKey(secret));
        return found === undefined || found.revokedAt !== null ? null : found;
      });
      if (record === null) throw new KeelError('UNAUTHENTICATED', 'Invalid or revoked API key');
      const principal: Principal = { keyId: record.id, projectId: record.projectId, projectName: record.projectName, role: record.role, superuser: record.superuser };
      if (projectName === undefined || projectName === '' || projectName === record.projectName) return principal;
      if (!record.superuser) throw new KeelError('PERMISSION_DENIED', `This key belongs to project '${record.projectName}'`);
      const project = await requireProject(projectName);
      return { ...principal, projectId: project.id, projectName: project.name, role: 'admin' };
    },

    authorize(principal: Principal, need: Role | 'superuser'): void {
      if (need === 'superuser') {
        if (!principal.superuser) throw new KeelError('PERMISSION_DENIED', 'Only the instance administrator key may do this');
        return;
      }
      if (!roleAtLeast(principal.role, need)) throw new KeelError('PERMISSION_DENIED', `This needs the '${need}' role; the key has '${principal.role}'`);
    },

    async createProject(name: string): Promise<{ project: Project; admin: CreatedKey }> {
      if (!projectNamePattern.test(name)) {
        throw new KeelError('INVALID_PARAMETER_VALUE', 'Project names are 1-63 characters of a-z, 0-9, - and _, starting with a letter or digit');
      }
      const project = await store.createProject(name, clock.now());
      await store.createExperiment(project.id, { name: 'Default', artifactLocation: (id) => `mlflow-artifacts:/${id}`, tags: [], now: clock.now() });
      return { project, admin: await createKey(project, `${name} admin`, 'admin', false) };
    },

    async createKey(projectName: string, name: string, role: Role): Promise<CreatedKey> {
      return createKey(await requireProject(projectName), name, role, false);
    },

    /** A new instance administrator key (project `default`), for the web UI's one-time sign-in link. */
    async createInstanceAdminKey(name: string): Promise<CreatedKey> {
      return createKey(await requireProject('default'), name, 'admin', true);
    },

    listKeys: (projectId: number | undefined) => store.listApiKeys(projectId),

    async revokeKey(id: string, projectId: number | undefined): Promise<void> {
      if (!(await store.revokeApiKey(id, projectId, clock.now()))) throw new KeelError('RESOURCE_DOES_NOT_EXIST', `No active key with id '${id}'`);
      keys.forget((record) => record.id === id);
    },

    listProjects: () => store.listProjects(),

    /**
     * First start: project `default` with its Default experiment, and the instance administrator key.
     * The secret is handed to `persist` (the credentials file) before the key is stored, and every
     * step is skipped when already done, so a crash at any point is repaired by the next start.
     * Returns undefined when an instance administrator key already exists.
     */
    async bootstrap(persist: (secret: string) => Promise<void>): Promise<CreatedKey | undefined> {
      if ((await store.listApiKeys(undefined)).some((key) => key.superuser)) return undefined;
      let project = await store.getProjectByName('default');
      if (project === undefined) {
        try {
          project = await store.createProject('default', clock.now());
        } catch (error) {
          // Another server on the same database is bootstrapping at the same time.
          if (!hasErrorCode(error, 'ALREADY_EXISTS')) throw error;
          project = await requireProject('default');
        }
      }
      if ((await store.getExperimentByName(project.id, 'Default')) === undefined) {
        await store.createExperiment(project.id, { name: 'Default', artifactLocation: (id) => `mlflow-artifacts:/${id}`, tags: [], now: clock.now() });
      }
      const issued = issueApiKey(ids);
      await persist(issued.secret);
      const key = await store.createApiKey({ id: issued.id, projectId: project.id, name: 'local admin', role: 'admin', superuser: true, keyHash: issued.hash, prefix: issued.prefix, createdAt: clock.now() });
      return { key, secret: issued.secret };
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
