import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox } from './create-secret-box.ts';

const key = randomBytes(32);

describe('createSecretBox', () => {
  it('seals to a versioned text that hides the secret and opens it again', () => {
    const box = createSecretBox(key);
    const plain = 'sk-live-ünïcødé-0123456789';
    const sealed = box.seal(plain);
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9+/=]+\.[A-Za-z0-9+/=]+\.[A-Za-z0-9+/=]+$/);
    expect(sealed).not.toContain('sk-live');
    expect(Buffer.from(sealed.split('.')[1] ?? '', 'base64')).toHaveLength(12);
    expect(box.open(sealed)).toBe(plain);
    expect(box.open(box.seal(''))).toBe('');
  });

  it('uses a new IV every time, so equal secrets seal differently', () => {
    const box = createSecretBox(key);
    expect(box.seal('same')).not.toBe(box.seal('same'));
  });

  it('refuses a changed ciphertext, tag or IV, another key, and text that is not sealed', () => {
    const box = createSecretBox(key);
    const sealed = box.seal('a credential');
    const [version, iv = '', tag = '', data = ''] = sealed.split('.');
    const flip = (text: string): string => {
      const bytes = Buffer.from(text, 'base64');
      bytes[0] = (bytes[0] ?? 0) ^ 1;
      return bytes.toString('base64');
    };
    for (const tampered of [[version, iv, tag, flip(data)], [version, iv, flip(tag), data], [version, flip(iv), tag, data], ['v2', iv, tag, data]]) {
      expect(() => box.open(tampered.join('.'))).toThrow(/cannot be opened/);
    }
    expect(() => createSecretBox(randomBytes(32)).open(sealed)).toThrow(/cannot be opened/);
    for (const junk of ['', 'plain text', 'v1.a.b', 'v1.!!.??.**', `v1.${iv}.${tag}`]) expect(() => box.open(junk)).toThrow(/cannot be opened/);
  });

  it('needs a 32-byte key', () => {
    expect(() => createSecretBox(randomBytes(16))).toThrow(/32 bytes/);
  });
});
