// PLACEHOLDER: replaced by the real page before this lands.
export function TracePage() {
  return <div className="state state-empty">TracePage is being built.</div>;
}
