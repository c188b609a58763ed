// PLACEHOLDER: replaced by the real page before this lands.
export function ComparePage() {
  return <div className="state state-empty">ComparePage is being built.</div>;
}
