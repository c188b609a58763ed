import { KeelError } from '@keel/spec';

/** Which text an error refers to, so filter and order_by errors read differently but share one shape. */
export interface SearchErrorContext {
  /** Words after "Invalid", e.g. "filter" or "order_by clause 2". */
  label: string;
  details: Record<string, unknown>;
}

export const filterErrorContext: SearchErrorContext = { label: 'filter', details: {} };

export function searchSyntaxError(context: SearchErrorContext, position: number, problem: string): KeelError {
  return new KeelError('INVALID_PARAMETER_VALUE', `Invalid ${context.label} at position ${position}: ${problem}`, {
    details: { ...context.details, position },
  });
}
