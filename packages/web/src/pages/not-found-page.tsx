import { Link } from 'react-router-dom';

export function NotFoundPage() {
  return (
    <div className="state state-empty">
      <h1>Page not found</h1>
      <p>Nothing lives at <code>{window.location.pathname}</code>. <Link to="/">Go to the start</Link>.</p>
    </div>
  );
}
