export const roles = ['read', 'write', 'admin'] as const;
export type Role = (typeof roles)[number];

const rank: Record<Role, number> = { read: 0, write: 1, admin: 2 };

export function roleAtLeast(have: Role, need: Role): boolean {
  return rank[have] >= rank[need];
}

export interface Project {
  id: number;
  name: string;
  createdAt: number;
}

export interface ApiKeyRecord {
  id: string;
  projectId: number;
  projectName: string;
  name: string;
  role: Role;
  /** The instance administrator: admin on every project. Only the key made at first start. */
  superuser: boolean;
  prefix: string;
  createdAt: number;
  revokedAt: number | null;
}

/** Who is calling, after authentication; every store call is scoped by `projectId`. */
export interface Principal {
  keyId: string;
  projectId: number;
  projectName: string;
  role: Role;
  superuser: boolean;
  /** Set when the caller used a gateway virtual key: the key's name (it may call only the gateway's OpenAI routes). */
  gatewayKey?: string | undefined;
}
