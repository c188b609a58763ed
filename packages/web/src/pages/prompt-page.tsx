import { Link, useParams, useSearchParams } from 'react-router-dom';
import { useProject } from '../api/use-project.ts';
import { LoadState } from '../components/load-state.tsx';
import { LabelEditor } from '../components/prompts/label-editor.tsx';
import { LabelHistoryTable } from '../components/prompts/label-history-table.tsx';
import { LabelPills } from '../components/prompts/label-pills.tsx';
import { PromptDiffView } from '../components/prompts/prompt-diff-view.tsx';
import { PromptUsageTable } from '../components/prompts/prompt-usage-table.tsx';
import '../components/prompts/prompts.css';
import { formatTime } from '../lib/format.ts';
import { defaultDiffPair } from '../lib/prompts/default-diff-pair.ts';
import { labelAssignments } from '../lib/prompts/label-assignments.ts';
import { usageWindow, usageWindows } from '../lib/prompts/usage-windows.ts';
import { useLoad } from '../lib/use-load.ts';

/** One prompt: versions, a side-by-side diff of two (?left=&right=), labels and their history, usage per version. */
export function PromptPage() {
  const { project, client } = useProject();
  const { name = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const versions = useLoad(async () => (await client.prompts.listVersions(name, { maxResults: 1000 })).items, [client, name]);
  const history = useLoad(() => client.prompts.history(name, { limit: 1000 }), [client, name]);
  const span = usageWindow(params.get('usage'));
  const usage = useLoad(() => {
    const to = Date.now();
    return client.prompts.usage(name, { from: to - span.ms, to: to + 60_000 });
  }, [client, name, span.ms]);
  const numbers = versions.data?.map((version) => version.version) ?? [];
  const pair = defaultDiffPair(numbers, params.get('left'), params.get('right'));
  const diff = useLoad(async () => (pair === null ? null : client.prompts.diff(name, pair.left, pair.right)), [client, name, pair?.left, pair?.right]);
  const setParam = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    next.set(key, value);
    setParams(next, { replace: true });
  };
  const reloadLabels = () => {
    versions.reload();
    history.reload();
  };
  return (
    <section>
      <div className="breadcrumbs"><Link to={`/p/${encodeURIComponent(project)}/prompts`}>Prompts</Link> /</div>
      <h1>{name}</h1>
      <LoadState result={versions} isEmpty={(items) => items.length === 0} empty="This prompt has no versions.">
        {(items) => (
          <>
            <div className="prompt-grid">
              <div>
                <h2>Versions</h2>
                <table className="simple" aria-label="Versions">
                  <thead>
                    <tr><th>Version</th><th>Type</th><th>Labels</th><th>Variables</th><th>Commit message</th><th>Author</th><th>Created</th></tr>
                  </thead>
                  <tbody>
                    {items.map((version) => (
                      <tr key={version.version} data-version={version.version}>
                        <td>v{version.version}</td>
                        <td>{version.type}</td>
                        <td><LabelPills labels={version.labels} /></td>
                        <td className="mono">{version.variables.length === 0 ? <span className="muted">—</span> : version.variables.join(', ')}</td>
                        <td>{version.commitMessage === '' ? <span className="muted">—</span> : version.commitMessage}</td>
                        <td>{version.authorName || version.createdBy || '—'}</td>
                        <td className="nowrap">{formatTime(version.createdAt)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <div>
                <h2>Labels</h2>
                <LabelEditor client={client} prompt={name} assignments={labelAssignments(items)} versions={numbers} onChanged={reloadLabels} />
              </div>
            </div>

            <h2>Compare versions</h2>
            {pair !== null && (
              <div className="diff-pickers">
                <label>
                  Left
                  <select aria-label="Left version" value={pair.left} onChange={(event) => setParam('left', event.target.value)}>
                    {numbers.map((number) => <option key={number} value={number}>v{number}</option>)}
                  </select>
                </label>
                <label>
                  Right
                  <select aria-label="Right version" value={pair.right} onChange={(event) => setParam('right', event.target.value)}>
                    {numbers.map((number) => <option key={number} value={number}>v{number}</option>)}
                  </select>
                </label>
              </div>
            )}
            <LoadState result={diff}>{(found) => (found === null ? null : <PromptDiffView diff={found} />)}</LoadState>

            <div className="prompt-grid">
              <div>
                <h2>Usage</h2>
                <div className="usage-toolbar">
                  <label htmlFor="usage-window">Window</label>
                  <select id="usage-window" value={span.id} onChange={(event) => setParam('usage', event.target.value)}>
                    {usageWindows.map((option) => <option key={option.id} value={option.id}>{option.label}</option>)}
                  </select>
                </div>
                <LoadState result={usage} isEmpty={(found) => found.versions.length === 0} empty="No traced calls name this prompt in this window. Set keel.prompt.name and keel.prompt.version on LLM spans (wrapOpenAI's promptName and promptVersion) to see usage here.">
                  {(found) => <PromptUsageTable rows={found.versions} />}
                </LoadState>
              </div>
              <div>
                <h2>Label history</h2>
                <LoadState result={history}>{(events) => <LabelHistoryTable events={events} />}</LoadState>
              </div>
            </div>
          </>
        )}
      </LoadState>
    </section>
  );
}
