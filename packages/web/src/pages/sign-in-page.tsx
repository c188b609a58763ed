import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { apiBaseUrl, makeClient, useSession } from '../api/keel-session.tsx';

interface SignInAnswer {
  apiKey: string;
  project: string;
}

async function redeemLink(token: string): Promise<SignInAnswer> {
  const response = await fetch(`${apiBaseUrl()}/api/v1/ui/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  const body = (await response.json()) as { apiKey?: string; project?: string; message?: string };
  if (!response.ok || body.apiKey === undefined || body.project === undefined) throw new Error(body.message ?? `Sign-in failed (${response.status})`);
  return { apiKey: body.apiKey, project: body.project };
}

/** Sign in with an API key, or with the one-time link `keel server` prints (/sign-in#token=...). */
export function SignInPage() {
  const session = useSession();
  const navigate = useNavigate();
  const [search] = useSearchParams();
  const [apiKey, setApiKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const redeemed = useRef(false);
  const next = search.get('next');

  const finish = (key: string, project: string) => {
    session.signIn(key);
    void navigate(next !== null && next.startsWith('/p/') ? next : `/p/${encodeURIComponent(project)}/experiments`, { replace: true });
  };

  useEffect(() => {
    const token = new URLSearchParams(window.location.hash.slice(1)).get('token');
    if (token === null || redeemed.current) return;
    redeemed.current = true;
    // The token is single use: take it out of the address bar and history at once.
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
    setBusy(true);
    redeemLink(token).then(
      (answer) => finish(answer.apiKey, answer.project),
      (failure: unknown) => {
        setBusy(false);
        setError(failure instanceof Error ? failure.message : String(failure));
      },
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const key = apiKey.trim();
    if (key === '') {
      setError('Enter an API key');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const projects = await makeClient(key).projects.list();
      const first = projects[0];
      if (first === undefined) throw new Error('This key sees no project');
      finish(key, first.name);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
      setBusy(false);
    }
  };

  return (
    <div className="sign-in">
      <form className="card" onSubmit={(event) => void submit(event)}>
        <h1>Sign in to Keel</h1>
        <p className="muted">Use the link <code>keel server</code> printed when it started, or an API key (<code>keel keys create</code>).</p>
        <label>
          API key
          <input type="password" autoComplete="off" autoFocus value={apiKey} onChange={(event) => setApiKey(event.target.value)} aria-invalid={error !== null} />
        </label>
        {error !== null && <p className="field-error" role="alert">{error}</p>}
        <button type="submit" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
    </div>
  );
}
