// PLACEHOLDER: replaced by the real page before this lands.
export function TracesPage() {
  return <div className="state state-empty">TracesPage is being built.</div>;
}
