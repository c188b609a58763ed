import { InvalidArgumentError } from 'commander';

/** Commander option parser for counts such as --max. */
export function parsePositiveInt(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(number) || number < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return number;
}
