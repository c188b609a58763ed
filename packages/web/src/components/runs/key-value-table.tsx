import type { KeyValue } from '@keel/sdk/client';

/** Params or tags of a run as a two-column table, sorted by key. */
export function KeyValueTable({ label, items, empty }: { label: string; items: readonly KeyValue[]; empty: string }) {
  if (items.length === 0) return <div className="state state-empty">{empty}</div>;
  const sorted = [...items].sort((a, b) => a.key.localeCompare(b.key));
  return (
    <table className="simple kv-table" aria-label={label}>
      <thead>
        <tr><th scope="col">Key</th><th scope="col">Value</th></tr>
      </thead>
      <tbody>
        {sorted.map((item) => (
          <tr key={item.key}>
            <th scope="row" className="mono">{item.key}</th>
            <td className="mono kv-value">{item.value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
