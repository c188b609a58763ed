import { Link, useParams, useSearchParams } from 'react-router-dom';
import { useProject } from '../api/use-project.ts';
import { LoadState } from '../components/load-state.tsx';
import { AliasHistory } from '../components/registry/alias-history.tsx';
import { AliasPills } from '../components/registry/alias-pills.tsx';
import '../components/registry/registry.css';
import { TagList } from '../components/registry/tag-list.tsx';
import { VersionLineage } from '../components/registry/version-lineage.tsx';
import { VersionsTable } from '../components/registry/versions-table.tsx';
import { formatTime } from '../lib/format.ts';
import { aliasMoves } from '../lib/registry/alias-moves.ts';
import { useLoad } from '../lib/use-load.ts';

/** One registered model: its versions and aliases, the selected version's lineage and tags, and the alias history. */
export function ModelPage() {
  const { project, client } = useProject();
  const { name = '' } = useParams();
  const [params] = useSearchParams();
  const model = useLoad(() => client.registry.getModel(name), [client, name]);
  const versions = useLoad(async () => (await client.registry.listVersions(name, { maxResults: 1000 })).items, [client, name]);
  const history = useLoad(() => client.registry.history(name, { limit: 1000 }), [client, name]);
  const asked = params.get('version');
  return (
    <section>
      <div className="breadcrumbs"><Link to={`/p/${encodeURIComponent(project)}/models`}>Models</Link> /</div>
      <h1>{name}</h1>
      <LoadState result={model}>
        {(found) => (
          <>
            {found.description !== '' && <p className="registry-description">{found.description}</p>}
            <p className="muted">Created {formatTime(found.creationTimestamp)} · last updated {formatTime(found.lastUpdatedTimestamp)}</p>
            <div className="model-detail">
              <div>
                <h2>Versions</h2>
                <LoadState result={versions} isEmpty={(items) => items.length === 0} empty="No versions yet. Register one from a run (register_model, or the SDK's registry.createVersion).">
                  {(items) => {
                    const selected = items.find((version) => version.version === asked) ?? (asked === null ? items[0] : undefined);
                    return (
                      <>
                        <VersionsTable project={project} versions={items} selected={selected?.version} />
                        {selected === undefined ? (
                          <div className="state state-error" role="alert">This model has no version {asked}.</div>
                        ) : (
                          <section aria-label={`Version ${selected.version}`}>
                            <h2>Version {selected.version} {selected.aliases.length > 0 && <AliasPills aliases={selected.aliases} />}</h2>
                            {selected.description !== '' && <p className="registry-description">{selected.description}</p>}
                            <h3>Lineage</h3>
                            <VersionLineage client={client} project={project} model={name} version={selected.version} />
                            <h3>Version tags</h3>
                            <TagList tags={selected.tags} label={`Tags of version ${selected.version}`} />
                          </section>
                        )}
                      </>
                    );
                  }}
                </LoadState>
              </div>
              <div>
                <h2>Alias history</h2>
                <LoadState result={history}>{(events) => <AliasHistory moves={aliasMoves(events)} />}</LoadState>
                <h2>Model tags</h2>
                <TagList tags={found.tags} label="Model tags" />
              </div>
            </div>
          </>
        )}
      </LoadState>
    </section>
  );
}
