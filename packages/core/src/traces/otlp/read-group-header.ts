import { OtlpFormatError } from './otlp-format-error.ts';

export interface GroupHeader<T> {
  value: T;
  /** Why every span under the header is rejected, when the header did not decode. */
  problem: string | null;
}

/** Runs `read` over a group header (a resource or a scope): one that does not decode rejects its own spans, not the whole request. */
export function readGroupHeader<T>(read: () => T, fallback: T, what: string): GroupHeader<T> {
  try {
    return { value: read(), problem: null };
  } catch (error) {
    if (!(error instanceof OtlpFormatError)) throw error;
    return { value: fallback, problem: `${what} does not decode: ${error.message}` };
  }
}
