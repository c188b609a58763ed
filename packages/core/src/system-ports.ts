import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock, IdGenerator } from './ports.ts';

export const systemClock: Clock = { now: () => Date.now() };

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export const randomIds: IdGenerator = {
  hexId: () => randomUUID().replaceAll('-', ''),
  secret: (length) => {
    // 248 is the largest multiple of 62 below 256: rejecting bytes above it keeps the choice uniform.
    let out = '';
    while (out.length < length) {
      for (const byte of randomBytes(length * 2)) {
        if (byte < 248 && out.length < length) out += alphabet[byte % 62];
      }
    }
    return out;
  },
};
