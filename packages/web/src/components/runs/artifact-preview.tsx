import type { KeelClient } from '@keel/sdk/client';
import { useEffect, useMemo } from 'react';
import { formatNumber } from '../../lib/format.ts';
import { formatBytes } from '../../lib/runs/format-bytes.ts';
import { artifactKind, imageType } from '../../lib/runs/artifact-kind.ts';
import { parseCsv } from '../../lib/runs/parse-csv.ts';
import { readArtifact } from '../../lib/runs/read-artifact.ts';
import { useLoad } from '../../lib/use-load.ts';
import { LoadState } from '../load-state.tsx';
import './runs.css';

/** Files above this are not downloaded for a preview (a button downloads them on demand). */
const previewLimit = 20 * 1024 * 1024;
/** Text shown at most, so a huge log does not freeze the page. */
const textLimit = 512 * 1024;
export const csvPreviewRows = 200;

interface Preview {
  blob: Blob;
  url: string;
  text: string | undefined;
}

function blobUrl(blob: Blob): string {
  return URL.createObjectURL(blob);
}

/** Shows one artifact: text, pretty JSON, a CSV table (first rows), an image, or a download link. */
export function ArtifactPreview({ client, runId, path, size }: { client: KeelClient; runId: string; path: string; size: number | undefined }) {
  const kind = artifactKind(path);
  const name = path.split('/').at(-1) ?? path;
  const tooLarge = size !== undefined && size > previewLimit;
  const loaded = useLoad<Preview | null>(async () => {
    if (tooLarge) return null;
    const blob = await readArtifact(client, runId, path, kind === 'image' ? imageType(path) : '');
    const text = kind === 'image' || kind === 'binary' ? undefined : await blob.slice(0, textLimit).text();
    return { blob, url: blobUrl(blob), text };
  }, [client, runId, path, kind, tooLarge]);
  const url = loaded.data?.url;
  useEffect(() => () => {
    if (url !== undefined) URL.revokeObjectURL(url);
  }, [url]);

  const download = async () => {
    const blob = await readArtifact(client, runId, path);
    const link = document.createElement('a');
    link.href = blobUrl(blob);
    link.download = name;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  };

  return (
    <div className="artifact-preview" aria-label={`Preview of ${path}`} role="region">
      <div className="artifact-preview-head">
        <strong className="mono">{path}</strong>
        {size !== undefined && <span className="muted">{formatBytes(size)}</span>}
        <span className="spacer" />
        {url === undefined ? (
          <button type="button" onClick={() => void download()}>Download</button>
        ) : (
          <a className="button-link" href={url} download={name}>Download</a>
        )}
      </div>
      <LoadState result={loaded}>
        {(preview) =>
          preview === null ? (
            <div className="state state-empty">This file is too large to preview ({formatBytes(size ?? 0)}).</div>
          ) : (
            <PreviewBody kind={kind} preview={preview} path={path} truncated={preview.blob.size > textLimit} />
          )
        }
      </LoadState>
    </div>
  );
}

function PreviewBody({ kind, preview, path, truncated }: { kind: ReturnType<typeof artifactKind>; preview: Preview; path: string; truncated: boolean }) {
  const note = truncated ? <div className="muted">Showing the first {formatBytes(textLimit)}.</div> : null;
  switch (kind) {
    case 'image':
      return <img className="artifact-image" src={preview.url} alt={path} />;
    case 'json':
      return (
        <>
          <pre className="block" data-testid="artifact-text">{prettyJson(preview.text ?? '', truncated)}</pre>
          {note}
        </>
      );
    case 'csv':
      return <CsvTable text={preview.text ?? ''} label={path} />;
    case 'text':
      return (
        <>
          <pre className="block" data-testid="artifact-text">{preview.text}</pre>
          {note}
        </>
      );
    case 'binary':
      return <div className="state state-empty">No preview for this kind of file. Download it to open it.</div>;
  }
}

function prettyJson(text: string, truncated: boolean): string {
  if (truncated) return text;
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function CsvTable({ text, label }: { text: string; label: string }) {
  const { rows, truncated } = useMemo(() => parseCsv(text, csvPreviewRows + 1), [text]);
  const [header = [], ...body] = rows;
  // A column whose every cell is a number reads right-aligned, header included.
  const numeric = header.map((_, index) => body.length > 0 && body.every((row) => /^\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(row[index] ?? '')));
  return (
    <div className="csv-preview">
      <table className="simple" aria-label={label}>
        <thead>
          <tr>{header.map((cell, index) => <th key={index} scope="col" className={numeric[index] === true ? 'num' : undefined}>{cell}</th>)}</tr>
        </thead>
        <tbody>
          {body.map((row, rowIndex) => (
            <tr key={rowIndex}>{row.map((cell, index) => <td key={index} className={numeric[index] === true ? 'num' : undefined}>{cell}</td>)}</tr>
          ))}
        </tbody>
      </table>
      {truncated && <div className="muted">Showing the first {formatNumber(csvPreviewRows)} rows.</div>}
    </div>
  );
}
