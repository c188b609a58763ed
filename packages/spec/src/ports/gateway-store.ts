/** A project's stored gateway document (secrets inside are `{ encrypted }`), and its version. */
export interface StoredGatewayConfig {
  projectId: number;
  /** JSON of a GatewayConfig; parsed by the caller. */
  document: unknown;
  /** 1 for the first write, then one more on every write. */
  version: number;
  updatedAt: number;
}

/** A virtual key issued through the API; its secret is stored hashed (sha256), shown once. */
export interface GatewayKeyRecord {
  id: string;
  projectId: number;
  /** Names the key's entry (`keys[].name`) in the project's gateway document. */
  name: string;
  prefix: string;
  createdAt: number;
  revokedAt: number | null;
}

/** The counts kept per row of the daily usage table. */
export interface GatewayUsageFigures {
  requests: number;
  errors: number;
  cacheHits: number;
  inputTokens: number;
  outputTokens: number;
  /** Requests whose token counts were estimated with a tokenizer (the upstream reported none). */
  estimatedRequests: number;
  costMicros: number;
}

/** Usage to add to one row of the daily usage table. */
export interface GatewayUsageDelta extends GatewayUsageFigures {
  projectId: number;
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
  /** The virtual key's name; '' for calls made with a project API key. */
  keyName: string;
  /** The virtual model name the client asked for. */
  model: string;
}

export interface GatewayUsageQuery {
  projectId: number;
  fromDay: string;
  toDay: string;
  keyName?: string | undefined;
  model?: string | undefined;
  /** Rows are summed over the dimensions not named. */
  groupBy: readonly ('day' | 'key' | 'model')[];
}

export interface GatewayUsageRow extends GatewayUsageFigures {
  day: string | null;
  keyName: string | null;
  model: string | null;
}

/** What the gateway keeps in the database. */
export interface GatewayStore {
  getGatewayConfig(projectId: number): Promise<StoredGatewayConfig | null>;
  /** Writes a new version; with `expectedVersion` (0 for none yet), a stale write throws RESOURCE_CONFLICT. */
  putGatewayConfig(projectId: number, document: unknown, updatedAt: number, expectedVersion?: number): Promise<StoredGatewayConfig>;
  /** Every project's version: a cheap check for changes made by another process. */
  listGatewayConfigVersions(): Promise<{ projectId: number; version: number }[]>;
  createGatewayKey(record: GatewayKeyRecord, secretHash: string): Promise<void>;
  /** The live (not revoked) key with this secret hash. */
  findGatewayKeyByHash(secretHash: string): Promise<GatewayKeyRecord | null>;
  listGatewayKeys(projectId: number): Promise<GatewayKeyRecord[]>;
  /** Revokes the live key of that name; false when there is none. */
  revokeGatewayKey(projectId: number, name: string, revokedAt: number): Promise<boolean>;
  addGatewayUsage(deltas: readonly GatewayUsageDelta[]): Promise<void>;
  queryGatewayUsage(query: GatewayUsageQuery): Promise<GatewayUsageRow[]>;
}
