import { Navigate } from 'react-router-dom';
import { makeClient, useSession } from '../api/keel-session.tsx';
import { LoadState } from '../components/load-state.tsx';
import { useLoad } from '../lib/use-load.ts';

/** `/`: the first project this key sees. */
export function HomeRedirect() {
  const { apiKey } = useSession();
  const projects = useLoad(() => makeClient(apiKey ?? '').projects.list(), [apiKey]);
  return (
    <LoadState result={projects} isEmpty={(items) => items.length === 0} empty="This key sees no project.">
      {(items) => <Navigate to={`/p/${encodeURIComponent(items[0]?.name ?? 'default')}/experiments`} replace />}
    </LoadState>
  );
}
