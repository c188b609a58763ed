import type { KeyValue } from '@keel/spec';

/** Tags and params as given by a caller: a plain record, or the wire's list of pairs. */
export type KeyValues = Readonly<Record<string, string>> | readonly KeyValue[];

export function toKeyValues(values: KeyValues | undefined): KeyValue[] | undefined {
  if (values === undefined) return undefined;
  if (Array.isArray(values)) return values.map((item: KeyValue) => ({ key: item.key, value: item.value }));
  return Object.entries(values as Readonly<Record<string, string>>).map(([key, value]) => ({ key, value }));
}
