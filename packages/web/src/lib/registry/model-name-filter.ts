/**
 * The registry search filter for "name contains `text`" (case-insensitive), in MLflow's filter
 * grammar; undefined for blank text. A quote in the text is doubled, as the grammar reads it.
 */
export function modelNameFilter(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  return `name ILIKE '%${trimmed.replaceAll("'", "''")}%'`;
}
