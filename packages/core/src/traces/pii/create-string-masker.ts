import type { PiiRule } from './pii-rule.ts';

interface Found {
  start: number;
  end: number;
  /** null for a token already in the text, which is kept as it is. */
  token: string | null;
}

const existingToken = /<[A-Z][A-Z0-9_]*>/g;
// Replacing text changes what surrounds it (a token's '>' is a boundary where a digit was not), so a
// pass can reveal new PII; a few passes reach the fixed point that makes masking idempotent.
const maxPasses = 4;
// Short values repeat across spans (resource attributes, model names, operation names, URLs), so
// remembering which are clean skips most scans. Only clean strings are kept: no PII is retained.
const cleanMemoMaxLength = 256;
const cleanMemoMaxSize = 10_000;

/**
 * A function that replaces the PII in a string with its rule's token. Rules earlier in `rules` win
 * where matches overlap. Returns the same string when nothing was found.
 */
export function createStringMasker(rules: readonly PiiRule[], options: { protectTokens: boolean }): (text: string) => string {
  // Custom patterns could match inside a token a masker wrote (`<EMAIL>` for [A-Z]+); built-ins cannot.
  const { protectTokens } = options;
  const triggers = [...new Set(rules.flatMap((rule) => (rule.trigger === null ? [] : [rule.trigger])))];
  const anyTrigger = triggers.length === 0 ? null : new RegExp(triggers.join('|'));
  const rulesWithoutTrigger = rules.filter((rule) => rule.trigger === null);

  function maskOnce(text: string): string {
    const triggered = anyTrigger !== null && anyTrigger.test(text);
    if (!triggered && !anyUntriggeredRuleApplies(text)) return text;
    const found: Found[] = [];
    if (protectTokens && text.includes('<')) {
      for (const match of text.matchAll(existingToken)) found.push({ start: match.index, end: match.index + match[0].length, token: null });
    }
    const protectedCount = found.length;
    for (const rule of rules) {
      if (rule.trigger !== null && !triggered) continue;
      if (rule.precheck !== null && !rule.precheck(text)) continue;
      rule.scan(text, (start, end) => {
        for (const other of found) if (start < other.end && other.start < end) return;
        found.push({ start, end, token: rule.token });
      });
    }
    if (found.length === protectedCount) return text;
    found.sort((left, right) => left.start - right.start);
    let masked = '';
    let cursor = 0;
    for (const { start, end, token } of found) {
      if (token === null) continue;
      masked += text.slice(cursor, start) + token;
      cursor = end;
    }
    return masked + text.slice(cursor);
  }

  const clean = new Set<string>();

  function anyUntriggeredRuleApplies(text: string): boolean {
    for (const rule of rulesWithoutTrigger) if (rule.precheck === null || rule.precheck(text)) return true;
    return false;
  }

  return (text) => {
    const memoisable = text.length <= cleanMemoMaxLength;
    if (memoisable && clean.has(text)) return text;
    let current = text;
    for (let pass = 0; pass < maxPasses; pass += 1) {
      const next = maskOnce(current);
      if (next === current) {
        if (pass === 0 && memoisable) {
          if (clean.size >= cleanMemoMaxSize) clean.clear();
          clean.add(text);
        }
        return current;
      }
      current = next;
    }
    return current;
  };
}
