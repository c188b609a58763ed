import type { KeelClient } from '@keel/sdk/client';
import { useState } from 'react';
import { formatBytes } from '../../lib/runs/format-bytes.ts';
import { useLoad } from '../../lib/use-load.ts';
import { LoadState } from '../load-state.tsx';
import { ArtifactPreview } from './artifact-preview.tsx';
import './runs.css';

interface Selected {
  path: string;
  size: number | undefined;
}

/** A run's artifacts: one folder listed at a time (breadcrumbs to go back up), a file previewed beside it. */
export function ArtifactBrowser({ client, runId }: { client: KeelClient; runId: string }) {
  const [folder, setFolder] = useState('');
  const [selected, setSelected] = useState<Selected | undefined>(undefined);
  const listing = useLoad(() => client.runs.listArtifacts(runId, folder === '' ? undefined : folder), [client, runId, folder]);
  const crumbs = folder === '' ? [] : folder.split('/');
  return (
    <div className="artifact-browser">
      <div className="artifact-list" role="navigation" aria-label="Artifacts">
        <div className="artifact-crumbs">
          <button type="button" className="link-button" onClick={() => setFolder('')}>artifacts</button>
          {crumbs.map((name, index) => (
            <span key={index}>
              {' / '}
              <button type="button" className="link-button" onClick={() => setFolder(crumbs.slice(0, index + 1).join('/'))}>{name}</button>
            </span>
          ))}
        </div>
        <LoadState result={listing} isEmpty={(entries) => entries.length === 0} empty={folder === '' ? 'This run has no artifacts.' : 'This folder is empty.'}>
          {(entries) => (
            <ul className="artifact-entries">
              {[...entries]
                .sort((a, b) => Number(b.isDir) - Number(a.isDir) || a.path.localeCompare(b.path))
                .map((entry) => {
                  const name = entry.path.split('/').at(-1) ?? entry.path;
                  return (
                    <li key={entry.path}>
                      <button
                        type="button"
                        className={`artifact-entry${selected?.path === entry.path ? ' active' : ''}`}
                        aria-current={selected?.path === entry.path ? 'true' : undefined}
                        onClick={() => (entry.isDir ? setFolder(entry.path) : setSelected({ path: entry.path, size: entry.fileSize }))}
                      >
                        <span aria-hidden="true" className={entry.isDir ? 'icon-dir' : 'icon-file'} /> <span className="mono">{name}{entry.isDir ? '/' : ''}</span>
                        {!entry.isDir && entry.fileSize !== undefined && <span className="muted size">{formatBytes(entry.fileSize)}</span>}
                      </button>
                    </li>
                  );
                })}
            </ul>
          )}
        </LoadState>
      </div>
      <div className="artifact-view">
        {selected === undefined ? (
          <div className="state state-empty">Choose a file to preview it.</div>
        ) : (
          <ArtifactPreview key={selected.path} client={client} runId={runId} path={selected.path} size={selected.size} />
        )}
      </div>
    </div>
  );
}
