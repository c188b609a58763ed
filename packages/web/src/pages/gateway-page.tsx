// PLACEHOLDER: replaced by the real page before this lands.
export function GatewayPage() {
  return <div className="state state-empty">GatewayPage is being built.</div>;
}
