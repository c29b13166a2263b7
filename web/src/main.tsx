// The web client's entry: sign in first (keycloak-js redirects to the login page when needed), then the desk the
// user's roles call for.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { signIn } from './auth/session';
import { App } from './app';
import './ui/theme.css';

const root = createRoot(document.getElementById('root')!);

signIn().then(
  (session) =>
    root.render(
      <StrictMode>
        <App session={session} />
      </StrictMode>,
    ),
  (error: unknown) =>
    root.render(
      <main className="fatal" role="alert">
        <h1>Parley cannot start</h1>
        <p>{error instanceof Error ? error.message : String(error)}</p>
        <button type="button" onClick={() => location.reload()}>
          Try again
        </button>
      </main>,
    ),
);
