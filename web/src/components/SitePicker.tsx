/**
 * The site picker (spec §2: sites are listed alphabetically; views that pick a site default to the
 * first one). A chosen site lives in the URL (?site=…) so a reload or a shared link keeps it; without
 * one the first site is shown, and the URL is left alone (writing it after the sites load would pull
 * the admin back to this page if they had clicked elsewhere meanwhile).
 * A site admin sees only their own sites (the server answers only those).
 */
import { useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { api, call, type Answer } from '../api/client.ts';
import { useLoad } from './data.ts';
import { LoadError, Loading, SelectField } from './ui.tsx';

export type Site = Answer<'/v1/sites', 'get'>['items'][number];

/** The admin's sites, alphabetically, and the chosen one (default: the first). */
export function useSites(): { sites: Site[] | null; site: Site | null; choose(id: string): void; error: ReturnType<typeof useLoad>['error']; reload(): Promise<void> } {
  const loaded = useLoad(async () => (await call(api.GET('/v1/sites'))).items, []);
  const [params, setParams] = useSearchParams();
  const sites = useMemo(() => loaded.data && [...loaded.data].sort((a, b) => a.name.localeCompare(b.name)), [loaded.data]);
  const wanted = params.get('site');
  const site = sites?.find((s) => s.id === wanted) ?? sites?.[0] ?? null;
  const choose = (id: string) => {
    const next = new URLSearchParams(params);
    next.set('site', id);
    setParams(next, { replace: true });
  };
  return { sites, site, choose, error: loaded.error, reload: loaded.reload };
}

export function SitePicker({ sites, site, choose }: { sites: Site[] | null; site: Site | null; choose(id: string): void }) {
  if (!sites) return <Loading />;
  return (
    <SelectField label="Site" value={site?.id ?? ''} onChange={(e) => choose(e.target.value)} disabled={sites.length === 0}>
      {sites.length === 0 && <option value="">No sites</option>}
      {sites.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
    </SelectField>
  );
}

/** A picker and the page's content for the chosen site. */
export function WithSite({ children }: { children: (site: Site) => React.ReactNode }) {
  const s = useSites();
  if (s.error) return <LoadError error={s.error} retry={() => void s.reload()} />;
  return (
    <>
      <div className="toolbar"><SitePicker sites={s.sites} site={s.site} choose={s.choose} /></div>
      {s.sites && s.sites.length === 0 && <p className="empty" role="status">This account has no sites yet.</p>}
      {s.site && children(s.site)}
    </>
  );
}
