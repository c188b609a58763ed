import { Suspense } from 'react';
import { NavLink, Outlet, useLocation, useNavigate, useParams } from 'react-router-dom';
import { useSession } from '../api/keel-session.tsx';
import { type Theme, useTheme } from '../lib/use-theme.ts';
import { useLoad } from '../lib/use-load.ts';

const sections = [
  { path: 'experiments', label: 'Experiments' },
  { path: 'models', label: 'Models' },
  { path: 'traces', label: 'Traces' },
  { path: 'sessions', label: 'Sessions' },
  { path: 'prompts', label: 'Prompts' },
  { path: 'gateway', label: 'Gateway' },
] as const;

/** Header (project switcher, sections, theme, sign out) around the page of the current route. */
export function AppLayout() {
  const { project = '' } = useParams();
  const session = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [theme, setTheme] = useTheme();
  const projects = useLoad(() => session.clientFor(project).projects.list(), [project, session]);
  const switchProject = (next: string) => {
    // Stay in the same section of the other project; ids of this one mean nothing there.
    const section = location.pathname.split('/')[3] ?? 'experiments';
    void navigate(`/p/${encodeURIComponent(next)}/${section}`);
  };
  return (
    <div className="app">
      <header className="app-header">
        <a className="brand" href={`/p/${encodeURIComponent(project)}/experiments`}>Keel</a>
        <label className="project-switcher">
          <span className="visually-hidden">Project</span>
          <select aria-label="Project" value={project} onChange={(event) => switchProject(event.target.value)}>
            {(projects.data ?? [{ name: project }]).map((item) => (
              <option key={item.name} value={item.name}>{item.name}</option>
            ))}
          </select>
        </label>
        <nav aria-label="Sections">
          {sections.map((section) => (
            <NavLink key={section.path} to={`/p/${encodeURIComponent(project)}/${section.path}`}>{section.label}</NavLink>
          ))}
        </nav>
        <span className="spacer" />
        <select aria-label="Theme" value={theme} onChange={(event) => setTheme(event.target.value as Theme)}>
          <option value="system">System theme</option>
          <option value="light">Light</option>
          <option value="dark">Dark</option>
        </select>
        <button type="button" onClick={() => { session.signOut(); void navigate('/sign-in'); }}>Sign out</button>
      </header>
      {projects.error !== undefined && (
        <div className="state state-error" role="alert">{projects.error.message}</div>
      )}
      <main className="app-main">
        <Suspense fallback={<div className="state state-loading" role="status">Loading…</div>}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}
