import { describe, expect, it } from 'vitest';
import { piiSettingsSchema } from './pii-settings-schema.ts';
import { piiToken } from './pii-token.ts';

describe('piiSettingsSchema', () => {
  it('accepts known detectors and valid custom patterns', () => {
    const settings = { detectors: ['email', 'iban'], custom: [{ name: 'employee id', pattern: 'EMP-\\d{6}' }] };
    expect(piiSettingsSchema.parse(settings)).toEqual(settings);
  });

  it('refuses unknown or repeated detectors, bad names, bad patterns and too many patterns', () => {
    const bad = [
      { detectors: ['ssn'], custom: [] },
      { detectors: ['email', 'email'], custom: [] },
      { detectors: [], custom: [{ name: '', pattern: 'x' }] },
      { detectors: [], custom: [{ name: 'a'.repeat(41), pattern: 'x' }] },
      { detectors: [], custom: [{ name: 'emp.id', pattern: 'x' }] },
      { detectors: [], custom: [{ name: '__', pattern: 'x' }] },
      { detectors: [], custom: [{ name: 'x', pattern: '(a+)+' }] },
      { detectors: [], custom: [{ name: 'x', pattern: '[' }] },
      { detectors: [], custom: Array.from({ length: 21 }, (_, index) => ({ name: `p${index}`, pattern: 'x' })) },
    ];
    for (const settings of bad) expect(piiSettingsSchema.safeParse(settings).success, JSON.stringify(settings).slice(0, 80)).toBe(false);
  });
});

describe('piiToken', () => {
  it('writes the name in upper snake case', () => {
    expect(piiToken('employee id')).toBe('<EMPLOYEE_ID>');
    expect(piiToken(' Ticket-Ref 2 ')).toBe('<TICKET_REF_2>');
    expect(piiToken('__')).toBe('<CUSTOM>');
  });
});
