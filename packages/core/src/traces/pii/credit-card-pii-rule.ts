import { isLuhnValid } from './is-luhn-valid.ts';
import { startsAtBoundary } from './pii-boundary.ts';
import { eightDigitsTrigger, regexPiiRule, type PiiRule } from './pii-rule.ts';

/**
 * Card numbers: 13 to 19 digits, Luhn-valid, starting with 2 to 6 (the major networks' ranges; it also
 * keeps epoch timestamps in s, ms, us and ns, which start with 1, from being masked one time in ten).
 * With separators the groups must look printed on a card: fours with a shorter last group, or Amex 4-6-5.
 */
export function creditCardPiiRule(): PiiRule {
  return regexPiiRule({
    token: '<CREDIT_CARD>',
    pattern: /[2-6]\d(?:[ -]?\d){11,17}(?!\w)/g,
    trigger: eightDigitsTrigger,
    accept: acceptCardNumber,
  });
}

function acceptCardNumber(match: string, text: string, start: number): number {
  if (!startsAtBoundary(text, start, '-')) return 0;
  const groups = match.split(/[ -]/);
  // A run of groups may be a card followed by other numbers; try the longest card-shaped prefix first.
  for (let count = groups.length; count >= 1; count -= 1) {
    const prefix = groups.slice(0, count);
    const digits = prefix.join('');
    if (digits.length >= 13 && digits.length <= 19 && (count === 1 || isCardShaped(prefix)) && isLuhnValid(digits)) {
      return digits.length + count - 1;
    }
  }
  return 0;
}

function isCardShaped(groups: string[]): boolean {
  const lengths = groups.map((group) => group.length).join('-');
  if (lengths === '4-6-5' || lengths === '4-6-4') return true;
  const last = groups[groups.length - 1]?.length ?? 0;
  return last >= 1 && last <= 4 && groups.slice(0, -1).every((group) => group.length === 4);
}
