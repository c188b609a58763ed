import { Link } from 'react-router-dom';
import { useProject } from '../api/use-project.ts';
import { LoadState } from '../components/load-state.tsx';
import '../components/prompts/prompts.css';
import { PagedListFooter } from '../components/registry/paged-list-footer.tsx';
import { formatTime } from '../lib/format.ts';
import { automaticLabel } from '../lib/prompts/label-assignments.ts';
import { usePagedRows } from '../lib/registry/use-paged-rows.ts';

const pageSize = 100;

/** The project's prompts (by name): type, latest version and which version each label names, read page by page as the user scrolls. */
export function PromptsPage() {
  const { project, client } = useProject();
  const prompts = usePagedRows((pageToken) => client.prompts.list({ maxResults: pageSize, ...(pageToken === undefined ? {} : { pageToken }) }), [client]);
  return (
    <section>
      <h1>Prompts</h1>
      <LoadState result={prompts.result} isEmpty={(items) => items.length === 0} empty="No prompts yet. Create one with the Keel SDK (prompts.create) or POST /api/v1/prompts.">
        {(items) => (
          <>
            <table className="simple" aria-label="Prompts">
              <thead>
                <tr><th>Name</th><th>Type</th><th className="num">Latest version</th><th>Labels</th><th>Updated</th></tr>
              </thead>
              <tbody>
                {items.map((prompt) => {
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
            <PagedListFooter count={items.length} noun={['prompt', 'prompts']} hasMore={prompts.hasMore} loading={prompts.loading} error={prompts.moreError} onMore={prompts.loadMore} />
          </>
        )}
      </LoadState>
    </section>
  );
}
