/** One way of finding PII in a string; a detector may use several (IPv4 and IPv6 both mask as an IP address). */
export interface PiiRule {
  token: string;
  /**
   * Regex source matching somewhere in every string this rule could match, always involving a digit.
   * The masker ORs the enabled rules' triggers into one regex, so that a string none of them matches
   * (most strings) costs one scan instead of one per rule. Null for rules without one (email, custom).
   */
  trigger: string | null;
  /** Cheap test run before the scan, such as `includes('@')`; null runs the scan whenever the trigger allows. */
  precheck: ((text: string) => boolean) | null;
  /** Calls `emit` with each PII range found, in ascending order of start. */
  scan(text: string, emit: (start: number, end: number) => void): void;
}

/**
 * A rule from a global regex. `accept` sees each match and returns how many of its leading characters
 * are PII (0 when none are), so that boundaries, checksums and shapes can refuse or shorten a match.
 */
export function regexPiiRule(options: {
  token: string;
  pattern: RegExp;
  trigger: string | null;
  precheck?: (text: string) => boolean;
  accept?: (match: string, text: string, start: number) => number;
}): PiiRule {
  const { pattern, accept } = options;
  if (!pattern.global) throw new Error('a PII rule pattern must be global');
  return {
    token: options.token,
    trigger: options.trigger,
    precheck: options.precheck ?? null,
    scan(text, emit) {
      pattern.lastIndex = 0;
      let match = pattern.exec(text);
      while (match !== null) {
        const start = match.index;
        const length = accept === undefined ? match[0].length : accept(match[0], text, start);
        // A refused or empty match moves on by one character so that a match starting inside it is still found.
        if (length > 0) emit(start, start + length);
        pattern.lastIndex = length > 0 ? start + length : start + 1;
        match = pattern.exec(text);
      }
    },
  };
}

/** Trigger for numbers of at least eight digits written with the separators of phone and card numbers. */
export const eightDigitsTrigger = String.raw`\d(?:[ .()\/+-]{0,2}\d){7}`;
