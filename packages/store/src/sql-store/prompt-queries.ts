import { KeelError, latestPromptLabel, notFound, type PromptStore, type PromptSummary, type PromptType } from '@keel/spec';
import { first, type SqlDriver, type SqlExecutor, type SqlRow } from '../drivers/sql-driver.ts';
import { placeholders } from './compile-comparison.ts';
import { encodePromptContent, loadPromptVersions, movePromptLabel, promptVersionColumns, promptVersionFrom, recordPromptLabelEvent, requirePromptPk } from './load-prompt-versions.ts';
import { decodePageToken, encodePageToken } from './page-token.ts';

const summaryColumns = 'p.pk, p.name, p.next_version, p.created_at, p.updated_at, v.type';
const summaryFrom = 'prompts p JOIN prompt_versions v ON v.prompt_pk = p.pk AND v.version = p.next_version - 1';

function badToken(): KeelError {
  return new KeelError('INVALID_PARAMETER_VALUE', 'Invalid page_token');
}

/** Keyset tokens: the page after a name (prompts) or below a version number (versions). */
function tokenField(token: string | undefined, field: 'after' | 'below'): string | number | undefined {
  if (token === undefined || token === '') return undefined;
  const value = decodePageToken(token)[field];
  if (field === 'after' && typeof value === 'string') return value;
  if (field === 'below' && typeof value === 'number' && Number.isSafeInteger(value)) return value;
  throw badToken();
}

async function loadSummaries(db: SqlExecutor, rows: SqlRow[]): Promise<PromptSummary[]> {
  if (rows.length === 0) return [];
  const pks = rows.map((row) => Number(row.pk));
  const labelRows = await db.all(`SELECT prompt_pk, label, version FROM prompt_labels WHERE prompt_pk IN (${placeholders(pks.length)}) ORDER BY label`, pks);
  return rows.map((row) => ({
    name: String(row.name),
    type: String(row.type) as PromptType,
    latestVersion: Number(row.next_version) - 1,
    labels: labelRows.filter((label) => Number(label.prompt_pk) === Number(row.pk)).map((label) => ({ label: String(label.label), version: Number(label.version) })),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  }));
}

export function createPromptQueries(db: SqlDriver): PromptStore {
  const getVersion: PromptStore['getPromptVersion'] = async (projectId, name, ref) => {
    let rows: SqlRow[];
    if ('version' in ref) {
      if (!Number.isSafeInteger(ref.version)) return undefined;
      rows = await db.all(`SELECT ${promptVersionColumns} FROM ${promptVersionFrom} WHERE p.project_id = ? AND p.name = ? AND v.version = ?`, [projectId, name, ref.version]);
    } else if (ref.label === latestPromptLabel) {
      rows = await db.all(`SELECT ${promptVersionColumns} FROM ${promptVersionFrom} WHERE p.project_id = ? AND p.name = ? AND v.version = p.next_version - 1`, [projectId, name]);
    } else {
      rows = await db.all(
        `SELECT ${promptVersionColumns} FROM ${promptVersionFrom} JOIN prompt_labels l ON l.prompt_pk = v.prompt_pk AND l.version = v.version WHERE p.project_id = ? AND p.name = ? AND l.label = ?`,
        [projectId, name, ref.label],
      );
    }
    return (await loadPromptVersions(db, rows))[0];
  };

  return {
    async createPromptVersion(projectId, name, input, by) {
      const stored = encodePromptContent(input.content);
      const number = await db.transaction(async (tx) => {
        // The row may be made by another server at the same moment: DO NOTHING waits for its commit.
        await tx.run('INSERT INTO prompts (project_id, name, next_version, created_at, updated_at) VALUES (?, ?, 1, ?, ?) ON CONFLICT (project_id, name) DO NOTHING', [projectId, name, by.now, by.now]);
        const counter = await first(tx, 'UPDATE prompts SET next_version = next_version + 1, updated_at = ? WHERE project_id = ? AND name = ? RETURNING pk, next_version', [by.now, projectId, name]);
        if (counter === undefined) throw new KeelError('INTERNAL_ERROR', `Prompt '${name}' vanished while a version was created`);
        const promptPk = Number(counter.pk);
        const created = Number(counter.next_version) - 1;
        await tx.run(
          `INSERT INTO prompt_versions (prompt_pk, version, type, content, variables_json, config_json, commit_message, created_by, author_name, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [promptPk, created, stored.type, stored.content, JSON.stringify(input.variables), JSON.stringify(input.config), input.commitMessage, by.actor, input.authorName, by.now],
        );
        for (const label of input.labels) await movePromptLabel(tx, promptPk, label, created, by);
        return created;
      });
      const version = await getVersion(projectId, name, { version: number });
      if (version === undefined) throw new KeelError('INTERNAL_ERROR', `Prompt '${name}' version ${number} vanished after it was created`);
      return version;
    },
    getPromptVersion: getVersion,
    async listPrompts(projectId, options) {
      const after = tokenField(options.pageToken, 'after');
      const rows = await db.all(
        `SELECT ${summaryColumns} FROM ${summaryFrom} WHERE p.project_id = ?${after === undefined ? '' : ' AND p.name > ?'} ORDER BY p.name LIMIT ?`,
        [projectId, ...(after === undefined ? [] : [after]), options.maxResults + 1],
      );
      const page = rows.slice(0, options.maxResults);
      const last = page.at(-1);
      return { items: await loadSummaries(db, page), nextPageToken: rows.length > options.maxResults && last !== undefined ? encodePageToken({ after: String(last.name) }) : undefined };
    },
    async getPromptSummary(projectId, name) {
      const rows = await db.all(`SELECT ${summaryColumns} FROM ${summaryFrom} WHERE p.project_id = ? AND p.name = ?`, [projectId, name]);
      return (await loadSummaries(db, rows))[0];
    },
    async listPromptVersions(projectId, name, options) {
      const below = tokenField(options.pageToken, 'below');
      const { pk } = await requirePromptPk(db, projectId, name);
      const rows = await db.all(
        `SELECT ${promptVersionColumns} FROM ${promptVersionFrom} WHERE v.prompt_pk = ?${below === undefined ? '' : ' AND v.version < ?'} ORDER BY v.version DESC LIMIT ?`,
        [pk, ...(below === undefined ? [] : [below]), options.maxResults + 1],
      );
      const page = rows.slice(0, options.maxResults);
      const last = page.at(-1);
      return { items: await loadPromptVersions(db, page), nextPageToken: rows.length > options.maxResults && last !== undefined ? encodePageToken({ below: Number(last.version) }) : undefined };
    },
    async setPromptLabel(projectId, name, label, version, by) {
      return db.transaction(async (tx) => {
        const { pk } = await requirePromptPk(tx, projectId, name);
        const target = Number.isSafeInteger(version) ? await first(tx, 'SELECT version FROM prompt_versions WHERE prompt_pk = ? AND version = ?', [pk, version]) : undefined;
        if (target === undefined) throw notFound(`Prompt '${name}' has no version ${version}`);
        return { previousVersion: await movePromptLabel(tx, pk, label, version, by) };
      });
    },
    async deletePromptLabel(projectId, name, label, by) {
      await db.transaction(async (tx) => {
        const { pk } = await requirePromptPk(tx, projectId, name);
        const previous = await first(tx, 'SELECT version FROM prompt_labels WHERE prompt_pk = ? AND label = ?', [pk, label]);
        if (previous === undefined) throw notFound(`Prompt '${name}' has no label '${label}'`);
        await tx.run('DELETE FROM prompt_labels WHERE prompt_pk = ? AND label = ?', [pk, label]);
        await tx.run('UPDATE prompts SET updated_at = ? WHERE pk = ?', [by.now, pk]);
        await recordPromptLabelEvent(tx, { promptPk: pk, label, fromVersion: Number(previous.version), toVersion: null, actor: by.actor, at: by.now });
      });
    },
    async listPromptLabelEvents(projectId, name, options) {
      const { pk } = await requirePromptPk(db, projectId, name);
      const rows = await db.all(
        `SELECT id, label, from_version, to_version, actor, at FROM prompt_label_events WHERE prompt_pk = ?${options.label === undefined ? '' : ' AND label = ?'} ORDER BY id DESC LIMIT ?`,
        [pk, ...(options.label === undefined ? [] : [options.label]), options.limit],
      );
      return rows.map((row) => ({
        id: Number(row.id),
        promptName: name,
        label: String(row.label),
        fromVersion: row.from_version === null ? null : Number(row.from_version),
        toVersion: row.to_version === null ? null : Number(row.to_version),
        actor: String(row.actor),
        at: Number(row.at),
      }));
    },
  };
}
