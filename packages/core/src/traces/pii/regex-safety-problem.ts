/**
 * Why a user-supplied regular expression should not run on the ingest path, or null when it may.
 *
 * Patterns from project settings run on every span, so one pattern with exponential backtracking
 * would stall ingest for every project on the process. A full ReDoS analysis needs character-set
 * reasoning; instead this refuses any group that repeats while containing a repetition (star
 * height above one), which is the shape behind `(a+)+`, `(.*)*` and `(\w+\s?)+`. It also refuses
 * some safe patterns such as `(\w+\.)+`: a false refusal costs a rewrite, a false acceptance an outage.
 */
export function regexSafetyProblem(pattern: string): string | null {
  try {
    new RegExp(pattern);
  } catch (error) {
    return `'${pattern}' is not a valid regular expression: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (hasNestedRepetition(pattern)) {
    return `'${pattern}' repeats a group that itself contains a repetition (like (a+)+ or (.*)*), which can take exponential time on some inputs; repeat the inner part or the group, not both`;
  }
  return null;
}

interface Quantifier {
  repeats: boolean;
  end: number;
}

/** A quantifier starting at `index`, or null when the character there does not start one. */
function readQuantifier(pattern: string, index: number): Quantifier | null {
  const char = pattern[index];
  let quantifier: Quantifier | null = null;
  if (char === '*' || char === '+') quantifier = { repeats: true, end: index + 1 };
  else if (char === '?') quantifier = { repeats: false, end: index + 1 };
  else if (char === '{') {
    const braces = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(index, index + 24));
    // Outside unicode mode a brace that does not form a quantifier is a literal.
    if (braces === null) return null;
    const min = Number(braces[1]);
    const max = braces[2] === undefined ? min : braces[3] === '' ? Infinity : Number(braces[3]);
    // An exact count ({3}) repeats one fixed way, so it cannot backtrack into other splits.
    quantifier = { repeats: max > min, end: index + braces[0].length };
  }
  if (quantifier !== null && pattern[quantifier.end] === '?') quantifier.end += 1;
  return quantifier;
}

function skipCharacterClass(pattern: string, index: number): number {
  let cursor = index + 1;
  while (cursor < pattern.length && pattern[cursor] !== ']') cursor += pattern[cursor] === '\\' ? 2 : 1;
  return cursor + 1;
}

function skipGroupOpening(pattern: string, index: number): number {
  if (pattern[index + 1] !== '?') return index + 1;
  const kind = pattern.slice(index + 2, index + 4);
  if (kind === '<=' || kind === '<!') return index + 4;
  if (pattern[index + 2] === '<') {
    const close = pattern.indexOf('>', index);
    return close === -1 ? index + 1 : close + 1;
  }
  return index + 3;
}

function hasNestedRepetition(pattern: string): boolean {
  // One frame per open group: whether something inside it repeats.
  const groups: boolean[] = [false];
  let index = 0;
  while (index < pattern.length) {
    const char = pattern[index];
    if (char === '\\') {
      index += 2;
    } else if (char === '[') {
      index = skipCharacterClass(pattern, index);
    } else if (char === '(') {
      groups.push(false);
      index = skipGroupOpening(pattern, index);
    } else if (char === ')') {
      const innerRepeats = groups.pop() ?? false;
      index += 1;
      const quantifier = readQuantifier(pattern, index);
      if (quantifier !== null) {
        if (quantifier.repeats && innerRepeats) return true;
        index = quantifier.end;
      }
      if (innerRepeats || quantifier?.repeats === true) groups[groups.length - 1] = true;
    } else {
      const quantifier = readQuantifier(pattern, index);
      if (quantifier === null) {
        index += 1;
      } else {
        if (quantifier.repeats) groups[groups.length - 1] = true;
        index = quantifier.end;
      }
    }
  }
  return false;
}
