import { describe, expect, it } from 'vitest';
import { parseTemplateVariables } from './parse-template-variables.ts';

describe('parseTemplateVariables', () => {
  it('finds each variable once, in order of first use, with or without spaces', () => {
    expect(parseTemplateVariables({ type: 'text', template: 'Hi {{name}}, {{ topic }} and {{name}} again; {{_x1}}' })).toEqual(['name', 'topic', '_x1']);
  });

  it('reads every message of a chat prompt', () => {
    expect(parseTemplateVariables({ type: 'chat', messages: [{ role: 'system', content: 'You are {{persona}}.' }, { role: 'user', content: '{{question}} ({{persona}})' }] })).toEqual(['persona', 'question']);
  });

  it('ignores lone braces and JSON, and takes the inner pair of triple braces', () => {
    expect(parseTemplateVariables({ type: 'text', template: '{"a": {"b": 1}} { {x} } {{{y}}}' })).toEqual(['y']);
  });

  it('refuses placeholders that are not a variable name, naming each', () => {
    expect(() => parseTemplateVariables({ type: 'text', template: '{{1abc}} {{a-b}} {{}} {{ok}} {{a.b}}' })).toThrow(/Invalid placeholders \{\{1abc\}\}, \{\{a-b\}\}, \{\{\}\}, \{\{a\.b\}\}/);
    expect(() => parseTemplateVariables({ type: 'text', template: 'x {{ two words }}' })).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER_VALUE' }));
  });
});
