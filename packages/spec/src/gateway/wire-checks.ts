/**
 * Small predicates for hand-written fast checks of wire shapes (see `isCommonChatRequest`). Each is
 * at least as strict as the zod rule it stands for, so a value they accept, zod accepts too.
 */

export type WireObject = Record<string, unknown>;

export function isWireObject(value: unknown): value is WireObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A safe integer within [min, max]: zod's `.int()` with its bounds. */
export function isIntIn(value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max;
}

/** A finite number within [min, max]. */
export function isNumberIn(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max;
}

export function isStringOfLength(value: unknown, min: number, max: number): value is string {
  return typeof value === 'string' && value.length >= min && value.length <= max;
}

/** `key` is absent from `object` (or undefined), or, when `nullable`, null, or else passes `check`. */
export function absentOr(object: WireObject, key: string, check: (value: unknown) => boolean, nullable = false): boolean {
  const value = object[key];
  if (value === undefined) return true;
  if (value === null) return nullable;
  return check(value);
}

export function isString(value: unknown): value is string {
  return typeof value === 'string';
}

export function isBoolean(value: unknown): value is boolean {
  return typeof value === 'boolean';
}
