import { Link } from 'react-router-dom';
import { formatTime } from '../../lib/format.ts';
import type { ModelVersion } from '@keel/sdk/client';
import { AliasPills } from './alias-pills.tsx';
import './registry.css';

interface VersionsTableProps {
  project: string;
  versions: readonly ModelVersion[];
  selected: string | undefined;
}

/** A model's versions, newest first; the version number selects it (?version=N). */
export function VersionsTable({ project, versions, selected }: VersionsTableProps) {
  return (
    <table className="simple" aria-label="Versions">
      <thead>
        <tr><th>Version</th><th>Aliases</th><th>Status</th><th>Stage</th><th>Source</th><th>Run</th><th>Created</th></tr>
      </thead>
      <tbody>
        {versions.map((version) => {
          const isSelected = version.version === selected;
          return (
            <tr key={version.version} className={isSelected ? 'selected-row' : undefined} aria-selected={isSelected} data-version={version.version}>
              <td>
                <Link to={{ search: `?version=${encodeURIComponent(version.version)}` }} aria-current={isSelected ? 'true' : undefined} aria-label={`Version ${version.version}`}>v{version.version}</Link>
              </td>
              <td><AliasPills aliases={version.aliases} /></td>
              <td><span className={`pill ${version.status === 'READY' ? 'ok' : version.status === 'FAILED_REGISTRATION' ? 'error' : ''}`} title={version.statusMessage || undefined}>{version.status}</span></td>
              <td>{version.currentStage === '' || version.currentStage === 'None' ? <span className="muted">—</span> : version.currentStage}</td>
              <td className="mono version-source">{version.source}</td>
              <td className="mono">
                {version.runId === '' ? <span className="muted">—</span> : <Link to={`/p/${encodeURIComponent(project)}/runs/${encodeURIComponent(version.runId)}`}>{version.runId.slice(0, 12)}</Link>}
              </td>
              <td className="nowrap">{formatTime(version.creationTimestamp)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
