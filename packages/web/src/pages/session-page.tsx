// PLACEHOLDER: replaced by the real page before this lands.
export function SessionPage() {
  return <div className="state state-empty">SessionPage is being built.</div>;
}
