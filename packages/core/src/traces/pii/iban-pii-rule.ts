import { ibanLengths } from './iban-lengths.ts';
import { isIbanValid } from './is-iban-valid.ts';
import { startsAtBoundary } from './pii-boundary.ts';
import { regexPiiRule, type PiiRule } from './pii-rule.ts';

const isAlphanumeric = /[A-Za-z0-9]/;

/** IBANs in capitals, compact or in groups separated by single spaces, masked only when their mod-97 check holds. */
export function ibanPiiRule(): PiiRule {
  return regexPiiRule({
    token: '<IBAN>',
    pattern: /[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}/g,
    // Two capitals then two digits, written to start at the digit so that the scan only stops at digits.
    trigger: String.raw`\d(?<=[A-Z]{2}\d)\d`,
    accept: acceptIban,
  });
}

/** The match may run on into following capitals or digits, so cut it at the country's IBAN length. */
function acceptIban(match: string, text: string, start: number): number {
  const length = ibanLengths.get(match.slice(0, 2));
  if (length === undefined || !startsAtBoundary(text, start, '')) return 0;
  let compact = '';
  let end = 0;
  while (end < match.length && compact.length < length) {
    const char = match[end] ?? '';
    if (char !== ' ') compact += char;
    end += 1;
  }
  if (compact.length < length) return 0;
  if (isAlphanumeric.test(text[start + end] ?? '')) return 0;
  return isIbanValid(compact) ? end : 0;
}
