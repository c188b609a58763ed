import type { GatewayConfig, ProviderConfig, VirtualKeyConfig } from '@keel/spec';

/** A provider with its credential in plain text, ready to call (never stored, logged or returned). */
export type ResolvedProvider = Omit<ProviderConfig, 'api_key'> & {
  api_key?: string | undefined;
  /**
   * Set when the credential could not be resolved (an unset environment variable, a value sealed
   * with another secret key): the provider must not be called; a call fails with this message.
   */
  credential_error?: string | undefined;
};

/** A virtual key's policy, without its secret. */
export type ResolvedVirtualKey = Omit<VirtualKeyConfig, 'secret'>;

/**
 * A project's gateway configuration as the gateway uses it: secrets resolved, from the config file
 * or the database. A new object whenever the configuration changes, so callers may cache what
 * they build from it by identity.
 */
export type ResolvedGatewayConfig = Omit<GatewayConfig, 'providers' | 'keys'> & {
  projectId: number;
  /** Changes whenever the configuration does, e.g. `db:3` or `file:<hash>`. */
  version: string;
  providers: ResolvedProvider[];
  keys: ResolvedVirtualKey[];
};

/** Where the gateway reads configuration from (the gateway config service). */
export interface GatewayConfigSource {
  /** The project's configuration; null when it has none (its gateway answers 404 for every model). */
  get(projectId: number): Promise<ResolvedGatewayConfig | null>;
}

/** The caller behind a virtual key. */
export interface VirtualKeyPrincipal {
  projectId: number;
  projectName: string;
  keyName: string;
}

export interface VirtualKeyAuthenticator {
  /** The live virtual key with this secret (from the database or the config file); null when none. */
  authenticate(secret: string): Promise<VirtualKeyPrincipal | null>;
}
