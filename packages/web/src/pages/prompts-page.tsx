// PLACEHOLDER: replaced by the real page before this lands.
export function PromptsPage() {
  return <div className="state state-empty">PromptsPage is being built.</div>;
}
