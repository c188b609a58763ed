import { Link } from 'react-router-dom';
import { useProject } from '../api/use-project.ts';
import { LoadState } from '../components/load-state.tsx';
import '../components/prompts/prompts.css';
import { formatTime } from '../lib/format.ts';
import { automaticLabel } from '../lib/prompts/label-assignments.ts';
import { useLoad } from '../lib/use-load.ts';

/** The project's prompts: type, latest version and which version each label names. */
export function PromptsPage() {
  const { project, client } = useProject();
  const prompts = useLoad(() => client.prompts.list({ maxResults: 1000 }), [client]);
  return (
    <section>
      <h1>Prompts</h1>
      <LoadState result={prompts} isEmpty={(page) => page.items.length === 0} empty="No prompts yet. Create one with the Keel SDK (prompts.create) or POST /api/v1/prompts.">
        {(page) => (
          <table className="simple" aria-label="Prompts">
            <thead>
              <tr><th>Name</th><th>Type</th><th className="num">Latest version</th><th>Labels</th><th>Updated</th></tr>
            </thead>
            <tbody>
              {page.items.map((prompt) => {
                const labels = prompt.labels.filter((label) => label.label !== automaticLabel);
                return (
                  <tr key={prompt.name}>
                    <td><Link to={`/p/${encodeURIComponent(project)}/prompts/${encodeURIComponent(prompt.name)}`}>{prompt.name}</Link></td>
                    <td>{prompt.type}</td>
                    <td className="num">v{prompt.latestVersion}</td>
                    <td>
                      {labels.length === 0 ? <span className="muted">—</span> : (
                        <span className="label-pills">
                          {labels.map((label) => <span key={label.label} className={`pill label-pill ${label.label === 'production' ? 'production' : ''}`}>{label.label} → v{label.version}</span>)}
                        </span>
                      )}
                    </td>
                    <td className="nowrap">{formatTime(prompt.updatedAt)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </LoadState>
    </section>
  );
}
