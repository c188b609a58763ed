import type { PromptVersion } from '@keel/spec';
import { describe, expect, it } from 'vitest';
import { compilePrompt } from './compile-prompt.ts';

const meta = { name: 'p', version: 1, config: {}, labels: [], commitMessage: '', createdBy: 'k', authorName: '', createdAt: 0 };
const text = (template: string, variables: string[]): PromptVersion => ({ ...meta, type: 'text', template, variables });

describe('compilePrompt', () => {
  it('fills every placeholder of a text prompt, ignoring extra values', () => {
    expect(compilePrompt(text('Hi {{name}}, {{ name }}! {{n}}', ['name', 'n']), { name: 'Ada', n: 3, extra: 'x' })).toBe('Hi Ada, Ada! 3');
  });

  it('fills chat messages and keeps roles', () => {
    const chat: PromptVersion = { ...meta, type: 'chat', variables: ['q'], messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Q: {{q}}' }] };
    expect(compilePrompt(chat, { q: 'why?' })).toEqual([{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Q: why?' }]);
  });

  it('names every missing declared variable', () => {
    expect(() => compilePrompt(text('{{a}} {{b}} {{c}}', ['a', 'b', 'c']), { b: 'x' })).toThrow('Missing prompt variables: a, c');
    expect(() => compilePrompt(text('{{a}}', ['a']), { a: undefined })).toThrow('Missing prompt variable: a');
  });

  it('inserts a value that looks like a placeholder as it is, and handles __proto__ as a name', () => {
    expect(compilePrompt(text('{{a}} {{b}}', ['a', 'b']), { a: '{{b}}', b: 'B' })).toBe('{{b}} B');
    const values: Record<string, unknown> = JSON.parse('{"__proto__": "P"}') as Record<string, unknown>;
    expect(compilePrompt(text('[{{__proto__}}]', ['__proto__']), values)).toBe('[P]');
  });

  it('writes non-string values as JSON', () => {
    expect(compilePrompt(text('{{o}} {{t}} {{z}}', ['o', 't', 'z']), { o: { k: [1] }, t: true, z: null })).toBe('{"k":[1]} true null');
  });
});
