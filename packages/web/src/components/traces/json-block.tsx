/** A value as readable text: strings as they are, anything else as indented JSON. */
export function JsonBlock({ value, label }: { value: unknown; label?: string }) {
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  return <pre className="block" aria-label={label}>{text}</pre>;
}
