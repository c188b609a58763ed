// PLACEHOLDER: replaced by the real page before this lands.
export function ModelPage() {
  return <div className="state state-empty">ModelPage is being built.</div>;
}
