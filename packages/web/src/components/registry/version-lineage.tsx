import type { KeelClient } from '@keel/sdk/client';
import { Link } from 'react-router-dom';
import { formatTime } from '../../lib/format.ts';
import { useLoad } from '../../lib/use-load.ts';
import { LoadState } from '../load-state.tsx';
import './registry.css';

interface VersionLineageProps {
  client: KeelClient;
  project: string;
  model: string;
  version: string;
}

/** Where a version came from: version -> run -> experiment, each a link to its page. */
export function VersionLineage({ client, project, model, version }: VersionLineageProps) {
  const lineage = useLoad(() => client.registry.lineage(model, version), [client, model, version]);
  const base = `/p/${encodeURIComponent(project)}`;
  return (
    <LoadState result={lineage}>
      {({ modelVersion, run, experiment }) => (
        <ol className="lineage" aria-label={`Lineage of version ${version}`}>
          <li>
            <span className="kind">Version</span>
            <strong>{modelVersion.name} v{modelVersion.version}</strong>
            <span className="muted">{formatTime(modelVersion.creationTimestamp)}</span>
          </li>
          <span className="arrow" aria-hidden="true">←</span>
          <li>
            <span className="kind">Run</span>
            {run === null ? (
              <span className="muted">{modelVersion.runId === '' ? 'No run' : `Run ${modelVersion.runId} (not found)`}</span>
            ) : (
              <>
                <Link to={`${base}/runs/${encodeURIComponent(run.info.runId)}`} aria-label={`Run ${run.info.runName === '' ? run.info.runId : run.info.runName}`}>{run.info.runName === '' ? run.info.runId : run.info.runName}</Link>
                <span className="muted mono">{run.info.runId}</span>
              </>
            )}
          </li>
          <span className="arrow" aria-hidden="true">←</span>
          <li>
            <span className="kind">Experiment</span>
            {experiment === null ? <span className="muted">—</span> : (
              <>
                <Link to={`${base}/experiments/${encodeURIComponent(experiment.experimentId)}`} aria-label={`Experiment ${experiment.name}`}>{experiment.name}</Link>
                <span className="muted mono">id {experiment.experimentId}</span>
              </>
            )}
          </li>
        </ol>
      )}
    </LoadState>
  );
}
