import './registry.css';

/** Aliases as `@name` pills; a dash when there are none. */
export function AliasPills({ aliases }: { aliases: readonly string[] }) {
  if (aliases.length === 0) return <span className="muted">—</span>;
  return (
    <span className="alias-pills">
      {aliases.map((alias) => (
        <span key={alias} className="pill alias-pill" data-alias={alias}>@{alias}</span>
      ))}
    </span>
  );
}
