// PLACEHOLDER: replaced by the real page before this lands.
export function RunPage() {
  return <div className="state state-empty">RunPage is being built.</div>;
}
