import { isIpv6Address } from './is-ip-address.ts';
import { startsAtBoundary } from './pii-boundary.ts';
import { regexPiiRule, type PiiRule } from './pii-rule.ts';

const octet = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const isWordChar = /\w/;

/**
 * IPv4 and IPv6 addresses. A bare dotted quad such as 1.2.3.4 is masked even when it was meant as a
 * version: the two cannot be told apart, and leaking an address is the worse mistake. A quad that is
 * part of a longer dotted run (1.2.3.4.5) or follows a letter (v1.2.3.4) is left alone.
 */
export function ipAddressPiiRules(): PiiRule[] {
  return [
    // IPv6 first: its IPv4-suffixed form (::ffff:192.0.2.1) contains an IPv4 address.
    regexPiiRule({
      token: '<IP_ADDRESS>',
      // Candidates (a colon within the first five characters, then at most 45 in all) are validated by parsing, not by the regex.
      pattern: /[0-9A-Fa-f]{0,4}:[0-9A-Fa-f:.]{1,40}/g,
      // A colon beside a digit: every IPv6 address has one unless it has no digit at all (dead:beef::cafe), which is let go.
      trigger: String.raw`\d:|:\d`,
      precheck: (text) => text.includes('::') || text.length >= 15,
      accept: acceptIpv6,
    }),
    regexPiiRule({
      token: '<IP_ADDRESS>',
      pattern: new RegExp(String.raw`(?:${octet}\.){3}${octet}(?!\w)(?!\.\d)`, 'g'),
      trigger: String.raw`\d\.\d{1,3}\.\d{1,3}\.\d`,
      accept: (match, text, start) => (startsAtBoundary(text, start, '.') ? match.length : 0),
    }),
  ];
}

function acceptIpv6(match: string, text: string, start: number): number {
  if (!startsAtBoundary(text, start, ':.')) return 0;
  // The candidate is a maximal run of hex digits, colons and dots; a letter after it means a longer word.
  if (isWordChar.test(text[start + match.length] ?? '')) return 0;
  // A sentence may end right after an address, or a label follow it ("2001:db8::1: unreachable").
  let candidate = match;
  while (candidate.endsWith('.')) candidate = candidate.slice(0, -1);
  if (candidate.endsWith(':') && !candidate.endsWith('::')) candidate = candidate.slice(0, -1);
  if (candidate.length < 3 || candidate.indexOf(':') === candidate.lastIndexOf(':')) return 0;
  return isIpv6Address(candidate) ? candidate.length : 0;
}
