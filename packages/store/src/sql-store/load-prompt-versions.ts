import { KeelError, latestPromptLabel, notFound, type PromptContent, type PromptMessage, type PromptVersion } from '@keel/spec';
import { first, type SqlExecutor, type SqlRow } from '../drivers/sql-driver.ts';
import { placeholders } from './compile-comparison.ts';

export const promptVersionColumns =
  'v.prompt_pk, p.name, p.next_version, v.version, v.type, v.content, v.variables_json, v.config_json, v.commit_message, v.created_by, v.author_name, v.created_at';
export const promptVersionFrom = 'prompt_versions v JOIN prompts p ON p.pk = v.prompt_pk';

/** Text templates are stored as they are; chat messages as a JSON array. */
export function encodePromptContent(content: PromptContent): { type: string; content: string } {
  return content.type === 'text' ? { type: 'text', content: content.template } : { type: 'chat', content: JSON.stringify(content.messages) };
}

function decodePromptContent(type: unknown, content: unknown): PromptContent {
  if (type === 'text') return { type: 'text', template: String(content) };
  if (type === 'chat') return { type: 'chat', messages: JSON.parse(String(content)) as PromptMessage[] };
  throw new KeelError('INTERNAL_ERROR', `Unknown stored prompt type '${String(type)}'`);
}

/** The internal key of a prompt of the project, or a 404. */
export async function requirePromptPk(db: SqlExecutor, projectId: number, name: string): Promise<{ pk: number; latestVersion: number }> {
  const row = await first(db, 'SELECT pk, next_version FROM prompts WHERE project_id = ? AND name = ?', [projectId, name]);
  if (row === undefined) throw notFound(`Prompt '${name}' not found`);
  return { pk: Number(row.pk), latestVersion: Number(row.next_version) - 1 };
}

/** Whole versions (with their labels) for rows selected with `promptVersionColumns`, in their order. */
export async function loadPromptVersions(db: SqlExecutor, rows: SqlRow[]): Promise<PromptVersion[]> {
  if (rows.length === 0) return [];
  const promptPks = [...new Set(rows.map((row) => Number(row.prompt_pk)))];
  const labelRows = await db.all(`SELECT prompt_pk, label, version FROM prompt_labels WHERE prompt_pk IN (${placeholders(promptPks.length)}) ORDER BY label`, promptPks);
  const labels = new Map<string, string[]>();
  const id = (row: SqlRow): string => `${String(row.prompt_pk)}/${String(row.version)}`;
  for (const row of labelRows) labels.set(id(row), [...(labels.get(id(row)) ?? []), String(row.label)]);
  return rows.map((row) => {
    const version = Number(row.version);
    const own = labels.get(id(row)) ?? [];
    const isLatest = version === Number(row.next_version) - 1;
    return {
      ...decodePromptContent(row.type, row.content),
      name: String(row.name),
      version,
      variables: JSON.parse(String(row.variables_json)) as string[],
      config: JSON.parse(String(row.config_json)) as Record<string, unknown>,
      labels: isLatest ? [...own, latestPromptLabel].sort() : own,
      commitMessage: String(row.commit_message),
      createdBy: String(row.created_by),
      authorName: String(row.author_name),
      createdAt: Number(row.created_at),
    };
  });
}

export async function recordPromptLabelEvent(
  tx: SqlExecutor,
  event: { promptPk: number; label: string; fromVersion: number | null; toVersion: number | null; actor: string; at: number },
): Promise<void> {
  await tx.run('INSERT INTO prompt_label_events (prompt_pk, label, from_version, to_version, actor, at) VALUES (?, ?, ?, ?, ?, ?)', [
    event.promptPk, event.label, event.fromVersion, event.toVersion, event.actor, event.at,
  ]);
}

/** Points `label` at `version` and records the move; returns where it pointed before (null: nowhere). */
export async function movePromptLabel(tx: SqlExecutor, promptPk: number, label: string, version: number, by: { actor: string; now: number }): Promise<number | null> {
  const previous = await first(tx, 'SELECT version FROM prompt_labels WHERE prompt_pk = ? AND label = ?', [promptPk, label]);
  const fromVersion = previous === undefined ? null : Number(previous.version);
  if (fromVersion === version) return fromVersion;
  await tx.run(
    'INSERT INTO prompt_labels (prompt_pk, label, version, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (prompt_pk, label) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at',
    [promptPk, label, version, by.now],
  );
  await tx.run('UPDATE prompts SET updated_at = ? WHERE pk = ?', [by.now, promptPk]);
  await recordPromptLabelEvent(tx, { promptPk, label, fromVersion, toVersion: version, actor: by.actor, at: by.now });
  return fromVersion;
}
