import type { PromptVersion } from '@keel/spec';
import { describe, expect, it } from 'vitest';
import { diffPromptVersions } from './diff-prompt-versions.ts';

const meta = { name: 'p', labels: [], commitMessage: '', createdBy: 'k', authorName: '', createdAt: 0 };

describe('diffPromptVersions', () => {
  it('diffs template lines, variables and nested config keys', () => {
    const from: PromptVersion = { ...meta, version: 1, type: 'text', template: 'Hello {{name}}\nBye', variables: ['name'], config: { model: 'a', temperature: 0.2, tools: [1], format: { type: 'json', strict: true } } };
    const to: PromptVersion = { ...meta, version: 2, type: 'text', template: 'Hello {{user}}\nBye', variables: ['user'], config: { model: 'b', tools: [1], format: { type: 'json' }, max_tokens: 10 } };
    expect(diffPromptVersions(from, to)).toEqual({
      name: 'p',
      from: 1,
      to: 2,
      typeChanged: false,
      lines: [{ op: 'remove', text: 'Hello {{name}}' }, { op: 'add', text: 'Hello {{user}}' }, { op: 'equal', text: 'Bye' }],
      variables: { added: ['user'], removed: ['name'] },
      config: [
        { path: 'format.strict', change: 'removed', from: true },
        { path: 'max_tokens', change: 'added', to: 10 },
        { path: 'model', change: 'changed', from: 'a', to: 'b' },
        { path: 'temperature', change: 'removed', from: 0.2 },
      ],
    });
  });

  it('shows chat messages as role lines and content lines', () => {
    const from: PromptVersion = { ...meta, version: 1, type: 'text', template: 'Be brief.', variables: [], config: {} };
    const to: PromptVersion = { ...meta, version: 3, type: 'chat', messages: [{ role: 'system', content: 'Be brief.' }], variables: [], config: {} };
    const diff = diffPromptVersions(from, to);
    expect(diff.typeChanged).toBe(true);
    expect(diff.lines).toEqual([{ op: 'add', text: '[system]' }, { op: 'equal', text: 'Be brief.' }]);
  });
});
