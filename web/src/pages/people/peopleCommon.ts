/** What the users, user detail and sites screens share: the account's sites (alphabetical) and role names. */
import { useMemo } from 'react';
import { api, call, type Answer } from '../../api/client.ts';
import { useLoad, type Loaded } from '../../components/data.ts';

export type Site = Answer<'/v1/sites', 'get'>['items'][number];
export type User = Answer<'/v1/users/{userId}', 'get'>;
export type UserRole = User['role'];

export const ROLE_LABELS: Record<UserRole, string> = { account_admin: 'Account admin', site_admin: 'Site admin', user: 'User' };
export const ROLES: UserRole[] = ['user', 'site_admin', 'account_admin'];

/** Sites alphabetically (spec §2), as the server lists them; sorted here too so every view agrees. */
export const byName = (a: Site, b: Site): number => a.name.localeCompare(b.name);

/** The account's sites, alphabetically, and a lookup by id. */
export function useSiteList(): Loaded<Site[]> & { byId: Map<string, Site> } {
  const loaded = useLoad(async () => [...(await call(api.GET('/v1/sites'))).items].sort(byName), []);
  const byId = useMemo(() => new Map((loaded.data ?? []).map((s) => [s.id, s])), [loaded.data]);
  return { ...loaded, byId };
}

export const fullName = (u: { firstName: string; lastName: string }): string => `${u.firstName} ${u.lastName}`;
