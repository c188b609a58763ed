import { ibanLengths } from './iban-lengths.ts';

/** Whether `compact` (an IBAN without spaces, capitals and digits) has its country's length and passes the ISO 7064 mod-97 check. */
export function isIbanValid(compact: string): boolean {
  if (ibanLengths.get(compact.slice(0, 2)) !== compact.length) return false;
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(compact)) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  // Folding digit by digit keeps the remainder small; the number itself has up to 68 digits.
  let remainder = 0;
  for (let index = 0; index < rearranged.length; index += 1) {
    const code = rearranged.charCodeAt(index);
    if (code <= 57) {
      remainder = (remainder * 10 + (code - 48)) % 97;
    } else {
      remainder = (remainder * 100 + (code - 55)) % 97;
    }
  }
  return remainder === 1;
}
