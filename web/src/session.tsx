/**
 * The signed-in session: the token (kept in localStorage so a reload stays signed in), who it is
 * (GET /v1/me), and for an operator the account they act in (sent as Tandem-Account).
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, auth, call, type Answer } from './api/client.ts';

export type Me = Answer<'/v1/me', 'get'>;
export type Role = 'operator' | 'account_admin' | 'site_admin' | 'user';

export interface Session {
  me: Me;
  role: Role;
  /** The account the portal acts in: the admin's own, or the one an operator picked (null: none yet). */
  accountId: string | null;
  /** Operators only: act inside this account (null: platform views only). */
  actAs(accountId: string | null): void;
  /** Grows when an account's settings were saved, so views that show account names read them again. */
  accountVersion: number;
  accountChanged(): void;
  signOut(): Promise<void>;
}

interface SessionState {
  session: Session | null;
  loading: boolean;
  signIn(email: string, password: string): Promise<void>;
}

const TOKEN_KEY = 'tandem.token';
const ACCOUNT_KEY = 'tandem.actingAccount';
const Ctx = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);
  const [actingAccount, setActingAccount] = useState<string | null>(null);
  const [accountVersion, setAccountVersion] = useState(0);

  const clear = useCallback(() => {
    localStorage.removeItem(TOKEN_KEY);
    localStorage.removeItem(ACCOUNT_KEY);
    auth.token = null;
    auth.accountId = null;
    setActingAccount(null);
    setMe(null);
  }, []);

  const load = useCallback(async () => {
    auth.token = localStorage.getItem(TOKEN_KEY);
    if (!auth.token) {
      setLoading(false);
      return;
    }
    try {
      const who = await call(api.GET('/v1/me'));
      if (who.role === 'operator') {
        auth.accountId = localStorage.getItem(ACCOUNT_KEY);
        setActingAccount(auth.accountId);
      }
      setMe(who);
    } catch {
      clear();
    } finally {
      setLoading(false);
    }
  }, [clear]);

  useEffect(() => {
    auth.onUnauthenticated = clear;
    void load();
  }, [load, clear]);

  const signIn = useCallback(async (email: string, password: string) => {
    const r = await call(api.POST('/v1/auth/login', { body: { email, password } }));
    localStorage.setItem(TOKEN_KEY, r.token);
    setLoading(true);
    await load();
  }, [load]);

  const value = useMemo<SessionState>(() => ({
    loading,
    signIn,
    session: me && {
      me,
      role: me.role as Role,
      accountId: me.role === 'operator' ? actingAccount : me.accountId,
      actAs(accountId) {
        auth.accountId = accountId;
        if (accountId) localStorage.setItem(ACCOUNT_KEY, accountId);
        else localStorage.removeItem(ACCOUNT_KEY);
        setActingAccount(accountId);
      },
      accountVersion,
      accountChanged: () => setAccountVersion((v) => v + 1),
      async signOut() {
        await call(api.POST('/v1/auth/logout')).catch(() => undefined);
        clear();
      },
    },
  }), [me, loading, signIn, actingAccount, accountVersion, clear]);

  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useSessionState(): SessionState {
  const s = useContext(Ctx);
  if (!s) throw new Error('useSessionState outside SessionProvider');
  return s;
}

/** The session of a signed-in page (the shell renders pages only when signed in). */
export function useSession(): Session {
  const s = useSessionState().session;
  if (!s) throw new Error('useSession on a page shown while signed out');
  return s;
}
