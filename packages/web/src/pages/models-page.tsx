import { Link, useSearchParams } from 'react-router-dom';
import { useProject } from '../api/use-project.ts';
import { LoadState } from '../components/load-state.tsx';
import { PagedListFooter } from '../components/registry/paged-list-footer.tsx';
import '../components/registry/registry.css';
import { formatTime } from '../lib/format.ts';
import { latestVersion } from '../lib/registry/latest-version.ts';
import { modelNameFilter } from '../lib/registry/model-name-filter.ts';
import { usePagedRows } from '../lib/registry/use-paged-rows.ts';

const pageSize = 100;

/** The project's registered models, filtered by name (kept in the URL as ?name=), read page by page as the user scrolls. */
export function ModelsPage() {
  const { project, client } = useProject();
  const [params, setParams] = useSearchParams();
  const nameFilter = params.get('name') ?? '';
  const models = usePagedRows(
    (pageToken) => client.registry.searchModels({ filter: modelNameFilter(nameFilter), orderBy: ['name ASC'], maxResults: pageSize, pageToken }),
    [client, nameFilter],
  );
  const setNameFilter = (value: string) => {
    const next = new URLSearchParams(params);
    if (value === '') next.delete('name');
    else next.set('name', value);
    setParams(next, { replace: true });
  };
  const modelPath = (name: string) => `/p/${encodeURIComponent(project)}/models/${encodeURIComponent(name)}`;
  return (
    <section>
      <h1>Models</h1>
      <div className="toolbar registry-filter">
        <label htmlFor="model-name-filter">Name contains</label>
        <input id="model-name-filter" type="search" value={nameFilter} placeholder="e.g. churn" onChange={(event) => setNameFilter(event.target.value)} />
      </div>
      <LoadState
        result={models.result}
        isEmpty={(items) => items.length === 0}
        empty={nameFilter === '' ? 'No registered models yet. Register one with an MLflow client (register_model) or the Keel SDK.' : `No model name contains “${nameFilter}”.`}
      >
        {(items) => (
          <>
            <table className="simple" aria-label="Registered models">
              <thead>
                <tr><th>Name</th><th className="num">Latest version</th><th>Aliases</th><th>Description</th><th>Last updated</th></tr>
              </thead>
              <tbody>
                {items.map((model) => {
                  const latest = latestVersion(model);
                  return (
                    <tr key={model.name}>
                      <td><Link to={modelPath(model.name)}>{model.name}</Link></td>
                      <td className="num">{latest === null ? <span className="muted">—</span> : <Link to={`${modelPath(model.name)}?version=${latest}`} aria-label={`${model.name} version ${latest}`}>v{latest}</Link>}</td>
                      <td>
                        {model.aliases.length === 0 ? <span className="muted">—</span> : (
                          <span className="alias-pills">
                            {model.aliases.map((alias) => (
                              <span key={alias.alias} className="pill alias-pill">@{alias.alias} → v{alias.version}</span>
                            ))}
                          </span>
                        )}
                      </td>
                      <td>{model.description === '' ? <span className="muted">—</span> : model.description}</td>
                      <td>{formatTime(model.lastUpdatedTimestamp)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <PagedListFooter count={items.length} noun={['model', 'models']} hasMore={models.hasMore} loading={models.loading} error={models.moreError} onMore={models.loadMore} />
          </>
        )}
      </LoadState>
    </section>
  );
}
