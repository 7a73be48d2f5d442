/** Sign in with e-mail and password (POST /v1/auth/login). */
import { useState, type FormEvent } from 'react';
import { useSessionState } from '../session.tsx';
import { useSubmit } from '../components/data.ts';
import { Actions, FormError, TextField } from '../components/ui.tsx';

export default function Login() {
  const { signIn } = useSessionState();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const submit = useSubmit();
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void submit.run(() => signIn(email.trim(), password));
  };
  return (
    <main className="login">
      <form onSubmit={onSubmit} aria-labelledby="login-title">
        <h1 id="login-title"><span className="logo" aria-hidden="true">◐</span> Tandem admin</h1>
        <TextField label="E-mail" type="email" autoComplete="username" required autoFocus value={email} onChange={(e) => setEmail(e.target.value)} />
        <TextField label="Password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        <FormError error={submit.error} />
        <Actions><button type="submit" className="primary" disabled={submit.busy}>{submit.busy ? 'Signing in…' : 'Sign in'}</button></Actions>
      </form>
    </main>
  );
}
