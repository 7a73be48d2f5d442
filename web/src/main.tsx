/** The admin portal's entry: session, then the login page or the signed-in shell. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { SessionProvider, useSessionState } from './session.tsx';
import Login from './app/Login.tsx';
import Shell from './app/Shell.tsx';
import { Loading } from './components/ui.tsx';
import './styles.css';

function App() {
  const { session, loading } = useSessionState();
  if (loading) return <Loading />;
  return session ? <Shell /> : <Login />;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BrowserRouter>
      <SessionProvider>
        <App />
      </SessionProvider>
    </BrowserRouter>
  </StrictMode>,
);
