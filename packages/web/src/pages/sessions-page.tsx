// PLACEHOLDER: replaced by the real page before this lands.
export function SessionsPage() {
  return <div className="state state-empty">SessionsPage is being built.</div>;
}
