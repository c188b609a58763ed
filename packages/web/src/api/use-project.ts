import type { KeelClient } from '@keel/sdk/client';
import { useParams } from 'react-router-dom';
import { useSession } from './keel-session.tsx';

/** The project named in the URL (/p/:project/...) and a client acting in it. */
export function useProject(): { project: string; client: KeelClient } {
  const { project } = useParams();
  if (project === undefined) throw new Error('useProject outside a /p/:project route');
  return { project, client: useSession().clientFor(project) };
}
