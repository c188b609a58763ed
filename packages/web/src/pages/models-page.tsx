// PLACEHOLDER: replaced by the real page before this lands.
export function ModelsPage() {
  return <div className="state state-empty">ModelsPage is being built.</div>;
}
