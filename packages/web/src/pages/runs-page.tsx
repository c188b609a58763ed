// PLACEHOLDER: replaced by the real page before this lands.
export function RunsPage() {
  return <div className="state state-empty">RunsPage is being built.</div>;
}
