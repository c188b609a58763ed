/**
 * The two versions to compare: those in the URL when they exist, else the one before the newest
 * (left) and the newest (right). `numbers` is newest first. Null when there is no version.
 */
export function defaultDiffPair(numbers: readonly number[], left: string | null, right: string | null): { left: number; right: number } | null {
  const newest = numbers[0];
  if (newest === undefined) return null;
  const pick = (asked: string | null, fallback: number) => {
    const number = Number(asked);
    return asked !== null && numbers.includes(number) ? number : fallback;
  };
  return { left: pick(left, numbers[1] ?? newest), right: pick(right, newest) };
}
