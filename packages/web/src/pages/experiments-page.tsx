import { Link } from 'react-router-dom';
import { useProject } from '../api/use-project.ts';
import { LoadState } from '../components/load-state.tsx';
import { formatTime } from '../lib/format.ts';
import { useLoad } from '../lib/use-load.ts';

/** The project's experiments; each opens its runs table. */
export function ExperimentsPage() {
  const { project, client } = useProject();
  const experiments = useLoad(() => client.experiments.search({ maxResults: 1000 }), [client]);
  return (
    <section>
      <h1>Experiments</h1>
      <LoadState result={experiments} isEmpty={(page) => page.items.length === 0} empty="No experiments yet. Log a run with an MLflow client or the Keel SDK.">
        {(page) => (
          <table className="simple" aria-label="Experiments">
            <thead>
              <tr><th>Name</th><th>Id</th><th>Created</th><th>Last updated</th></tr>
            </thead>
            <tbody>
              {page.items.map((experiment) => (
                <tr key={experiment.experimentId}>
                  <td><Link to={`/p/${encodeURIComponent(project)}/experiments/${encodeURIComponent(experiment.experimentId)}`}>{experiment.name}</Link></td>
                  <td className="mono">{experiment.experimentId}</td>
                  <td>{formatTime(experiment.creationTime)}</td>
                  <td>{formatTime(experiment.lastUpdateTime)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </LoadState>
    </section>
  );
}
