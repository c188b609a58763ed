import { invalid, type PromptContent, promptTexts, scanTemplate } from '@keel/spec';

/** The variables a version's template uses, in order of first use; invalid placeholders are a 400 naming each. */
export function parseTemplateVariables(content: PromptContent): string[] {
  const variables = new Set<string>();
  const bad = new Set<string>();
  for (const text of promptTexts(content)) {
    const scan = scanTemplate(text);
    for (const name of scan.variables) variables.add(name);
    for (const placeholder of scan.invalid) bad.add(placeholder);
  }
  if (bad.size > 0) {
    const list = [...bad];
    throw invalid(`Invalid placeholder${list.length === 1 ? '' : 's'} ${list.slice(0, 20).join(', ')}: a variable is {{name}} with name [A-Za-z_][A-Za-z0-9_]*`, { invalidPlaceholders: list.slice(0, 100) });
  }
  return [...variables];
}
