import './registry.css';

/** Key/value tags as a definition list; a note when there are none. */
export function TagList({ tags, label }: { tags: readonly { key: string; value: string }[]; label: string }) {
  if (tags.length === 0) return <p className="muted">No tags.</p>;
  return (
    <dl className="tag-list" aria-label={label}>
      {tags.map((tag) => (
        <div key={tag.key} className="tag-item">
          <dt className="mono">{tag.key}</dt>
          <dd className="mono">{tag.value}</dd>
        </div>
      ))}
    </dl>
  );
}
