import { describe, expect, it } from 'vitest';
import { newTurnMessages } from './new-turn-messages.ts';

const message = (role: string, text: string) => ({ role, parts: [{ kind: 'text' as const, text }] });

describe('newTurnMessages', () => {
  it('keeps what follows the last assistant message, without the system prompt', () => {
    const input = [message('system', 's'), message('user', 'q1'), message('assistant', 'a1'), message('user', 'q2')];
    expect(newTurnMessages(input)).toEqual([message('user', 'q2')]);
    expect(newTurnMessages([message('system', 's'), message('user', 'q1')])).toEqual([message('user', 'q1')]);
  });

  it('keeps everything when nothing is new (the input ends with an answer)', () => {
    const input = [message('user', 'q1'), message('assistant', 'a1')];
    expect(newTurnMessages(input)).toEqual(input);
  });
});
