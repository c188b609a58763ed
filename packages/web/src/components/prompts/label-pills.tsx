import './prompts.css';

/** Labels as pills (`production` stands out, `latest` is quiet); a dash when there are none. */
export function LabelPills({ labels }: { labels: readonly string[] }) {
  if (labels.length === 0) return <span className="muted">—</span>;
  return (
    <span className="label-pills">
      {labels.map((label) => <span key={label} className={`pill label-pill ${label === 'production' || label === 'latest' ? label : ''}`}>{label}</span>)}
    </span>
  );
}
