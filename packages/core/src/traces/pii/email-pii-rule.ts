import type { PiiRule } from './pii-rule.ts';

const localPartMax = 64;
const backslash = 92;
const isLocalChar = new Uint8Array(128);
for (const char of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-') isLocalChar[char.charCodeAt(0)] = 1;

/**
 * Emails, found from each '@' outwards rather than by one regex: a regex starting with the local part
 * would try every word of a long message as a local part, while '@' is rare.
 */
export function emailPiiRule(): PiiRule {
  const domain = /(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24}(?![A-Za-z0-9])/y;
  return {
    token: '<EMAIL>',
    trigger: null,
    precheck: (text) => text.includes('@'),
    scan(text, emit) {
      let at = text.indexOf('@');
      let scannedTo = 0;
      while (at !== -1) {
        let start = at;
        while (start > scannedTo && at - start < localPartMax && isLocalChar[text.charCodeAt(start - 1)] === 1) start -= 1;
        // In JSON text `\njohn@x.com` is a newline then john, not a local part "njohn".
        if (start > 0 && start < at && text.charCodeAt(start - 1) === backslash) start += 1;
        if (start < at) {
          domain.lastIndex = at + 1;
          const match = domain.exec(text);
          if (match !== null) {
            scannedTo = at + 1 + match[0].length;
            emit(start, scannedTo);
          }
        }
        at = text.indexOf('@', Math.max(at + 1, scannedTo));
      }
    },
  };
}
