export type ArtifactKind = 'image' | 'json' | 'csv' | 'text' | 'binary';

const images: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', svg: 'image/svg+xml', bmp: 'image/bmp' };
const texts = new Set(['txt', 'log', 'md', 'yaml', 'yml', 'py', 'toml', 'ini', 'cfg', 'sh', 'html', 'xml', 'ts', 'js', 'sql', 'r', 'requirements', 'mlmodel', 'tsv', 'jsonl', 'conf', 'out', 'err']);

const extension = (path: string): string => {
  const name = path.split('/').at(-1) ?? '';
  const dot = name.lastIndexOf('.');
  return dot < 0 ? name.toLowerCase() : name.slice(dot + 1).toLowerCase();
};

/** How the artifact browser previews a file, from its name. */
export function artifactKind(path: string): ArtifactKind {
  const ext = extension(path);
  if (ext in images) return 'image';
  if (ext === 'json') return 'json';
  if (ext === 'csv') return 'csv';
  if (texts.has(ext) || ext === 'mlmodel' || ext === 'license' || ext === 'dockerfile') return 'text';
  return 'binary';
}

/** The image MIME type for a file name, so a blob URL of it renders. */
export const imageType = (path: string): string => images[extension(path)] ?? 'application/octet-stream';
