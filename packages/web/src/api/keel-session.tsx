import { type KeelClient, createLazyKeelClient } from '@keel/sdk/client';
import { type ReactNode, createContext, useCallback, useContext, useMemo, useRef, useState } from 'react';
import { forgetStoredKey, loadStoredKey, storeKey } from './stored-key.ts';
import { earlyAwareFetch } from '../early/early-responses.ts';

export interface KeelSession {
  apiKey: string | null;
  signIn(apiKey: string): void;
  signOut(): void;
  /** A client acting in `project` (the key's own project, or any project for the instance administrator). */
  clientFor(project: string): KeelClient;
}

const SessionContext = createContext<KeelSession | null>(null);

export const apiBaseUrl = (): string => window.location.origin;

/** Answers once, without retries: the UI shows the error and offers to try again. */
export const makeClient = (apiKey: string, project?: string): KeelClient => createLazyKeelClient({ baseUrl: apiBaseUrl(), apiKey, project, retry: false, fetch: earlyAwareFetch });

export function SessionProvider({ children }: { children: ReactNode }) {
  const [apiKey, setApiKey] = useState<string | null>(() => loadStoredKey());
  const signIn = useCallback((key: string) => {
    storeKey(key);
    setApiKey(key);
  }, []);
  const signOut = useCallback(() => {
    forgetStoredKey();
    setApiKey(null);
  }, []);
  // One client per key and project, reused across renders.
  const clients = useRef(new Map<string, KeelClient>());
  const clientFor = useCallback(
    (project: string) => {
      if (apiKey === null) throw new Error('Not signed in');
      const cacheKey = `${apiKey}\u0000${project}`;
      let client = clients.current.get(cacheKey);
      if (client === undefined) {
        client = makeClient(apiKey, project);
        clients.current.set(cacheKey, client);
      }
      return client;
    },
    [apiKey],
  );
  const value = useMemo(() => ({ apiKey, signIn, signOut, clientFor }), [apiKey, signIn, signOut, clientFor]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): KeelSession {
  const session = useContext(SessionContext);
  if (session === null) throw new Error('useSession outside SessionProvider');
  return session;
}
