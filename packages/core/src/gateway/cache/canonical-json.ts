/**
 * JSON text with object keys in sorted order at every depth, so that two requests that differ only
 * in key order (or in keys set to `undefined`) hash alike. Arrays keep their order: in a request it
 * carries meaning (messages, tools, stop sequences). Non-finite numbers become `null`, as in
 * `JSON.stringify`.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'object':
      return Array.isArray(value) ? canonicalArray(value) : canonicalObject(value as Record<string, unknown>);
    case 'undefined':
    case 'function':
    case 'symbol':
      return 'null';
  }
  return 'null';
}

function canonicalArray(values: readonly unknown[]): string {
  return `[${values.map((item) => canonicalJson(item)).join(',')}]`;
}

function canonicalObject(object: Record<string, unknown>): string {
  const keys = Object.keys(object).filter((key) => object[key] !== undefined).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(object[key])}`).join(',')}}`;
}
