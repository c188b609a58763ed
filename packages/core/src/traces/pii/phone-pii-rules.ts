import { startsAtBoundary } from './pii-boundary.ts';
import { eightDigitsTrigger, regexPiiRule, type PiiRule } from './pii-rule.ts';

const isDigit = (code: number): boolean => code >= 48 && code <= 57;

/** `4111 0000 0000 0005`: what follows a digit and one separator is the rest of a longer number, not a phone. */
function continuesNumber(text: string, start: number): boolean {
  return start >= 2 && ' .-/'.includes(text[start - 1] ?? 'x') && isDigit(text.charCodeAt(start - 2));
}

function acceptPhone(refusedBefore: string, minDigits: number, maxDigits: number): (match: string, text: string, start: number) => number {
  return (match, text, start) => {
    if (!startsAtBoundary(text, start, refusedBefore) || continuesNumber(text, start)) return 0;
    let digits = 0;
    for (let index = 0; index < match.length; index += 1) {
      const code = match.charCodeAt(index);
      if (isDigit(code)) digits += 1;
    }
    return digits >= minDigits && digits <= maxDigits ? match.length : 0;
  };
}

// A phone number must not run on into more of a number (`.5`, `-7`), which would make it a version, a range or a date.
const end = String.raw`(?!\w)(?![.\/-]\d)`;

/**
 * Phone numbers in the shapes people write them. Plain digit runs are never phones here: a run of
 * ten digits is far more often a timestamp, an id or a count than a phone number in a trace.
 */
export function phonePiiRules(): PiiRule[] {
  return [
    // International: +CC then groups; E.164 allows at most 15 digits.
    regexPiiRule({
      token: '<PHONE>',
      pattern: new RegExp(String.raw`\+[1-9]\d{0,2}(?:[ .-]?\(\d{1,4}\))?[ .-]?\d{1,14}(?:[ .-]\d{1,14}){0,6}${end}`, 'g'),
      trigger: eightDigitsTrigger,
      precheck: (text) => text.includes('+'),
      accept: acceptPhone('+', 8, 15),
    }),
    // North American: (415) 555-2671, 415-555-2671, 415.555.2671, 1-800-555-0199; area code and exchange start with 2-9.
    regexPiiRule({
      token: '<PHONE>',
      pattern: new RegExp(String.raw`(?:1[ .-]?)?(?:\([2-9]\d{2}\) ?|[2-9]\d{2}[ .-])[2-9]\d{2}[ .-]\d{4}${end}`, 'g'),
      trigger: eightDigitsTrigger,
      accept: acceptPhone('+.-', 10, 11),
    }),
    // National with a trunk 0 then 1-9 (most of Europe; 00 starts an international prefix): 020 7946 0958, 01 23 45 67 89, 06.12.34.56.78, (030) 1234567.
    // One separator throughout, and 9 to 12 digits, so that dates such as 01/02/2024 stay.
    regexPiiRule({
      token: '<PHONE>',
      pattern: new RegExp(String.raw`(?:\(0[1-9]\d{0,3}\) ?\d{2,8}(?:[ -]\d{2,8}){0,3}|0[1-9]\d{0,3}([ .\/-])\d{2,8}(?:\1\d{2,8}){0,4})${end}`, 'g'),
      trigger: eightDigitsTrigger,
      accept: acceptPhone('+./-', 9, 12),
    }),
  ];
}
