// PLACEHOLDER: replaced by the real page before this lands.
export function PromptPage() {
  return <div className="state state-empty">PromptPage is being built.</div>;
}
