import { describe, expect, it } from 'vitest';
import { validateNewPromptVersion } from './validate-new-prompt-version.ts';

const text = (template: string) => ({ type: 'text' as const, template });

describe('validateNewPromptVersion', () => {
  it('accepts matching declared variables and fills defaults', () => {
    expect(validateNewPromptVersion({ content: text('Hi {{name}}'), variables: ['name'], labels: ['production', 'production'] })).toEqual({
      content: text('Hi {{name}}'), variables: ['name'], config: {}, labels: ['production'], commitMessage: '', authorName: '',
    });
  });

  it('names variables used but not declared, and declared but not used', () => {
    expect(() => validateNewPromptVersion({ content: text('{{a}} {{b}}'), variables: ['b', 'c'] })).toThrow('Template variables do not match the declared ones (used but not declared: a; declared but not used: c)');
    expect(() => validateNewPromptVersion({ content: text('{{a}}') })).toThrow(/used but not declared: a/);
  });

  it('refuses bad variable names, repeats, bad labels, latest, big config and empty chats', () => {
    expect(() => validateNewPromptVersion({ content: text(''), variables: ['1x', 'a-b'] })).toThrow("Invalid variable names '1x', 'a-b'");
    expect(() => validateNewPromptVersion({ content: text('{{a}}'), variables: ['a', 'a'] })).toThrow('declared twice: a');
    expect(() => validateNewPromptVersion({ content: text(''), labels: ['Prod'] })).toThrow(/Invalid label 'Prod'/);
    expect(() => validateNewPromptVersion({ content: text(''), labels: ['x'.repeat(37)] })).toThrow(/Invalid label/);
    expect(() => validateNewPromptVersion({ content: text(''), labels: ['latest'] })).toThrow(/reserved/);
    expect(() => validateNewPromptVersion({ content: text(''), config: { blob: 'x'.repeat(70_000) } })).toThrow(/config is \d+ bytes/);
    expect(() => validateNewPromptVersion({ content: { type: 'chat', messages: [] } })).toThrow('A chat prompt needs at least one message');
    expect(() => validateNewPromptVersion({ content: { type: 'chat', messages: [{ role: ' ', content: 'x' }] } })).toThrow(/Message 0: the role/);
  });
});
