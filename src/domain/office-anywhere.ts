/**
 * Office Anywhere configuration rules (spec §7): portal scope, and the three prerequisites a user
 * needs before Office Anywhere works for them. Pure functions, no I/O.
 */
import { invalid } from './errors.ts';

export type PortalScope = 'account' | 'site';

/**
 * A portal serves either the whole account (no site) or one site (spec §7).
 * @returns the site id to store (null for scope `account`)
 */
export function checkPortalScope(scope: PortalScope, siteId: string | null | undefined): string | null {
  if (scope === 'site') {
    if (!siteId) throw invalid('siteId', 'A portal number with scope "site" needs the siteId of the site it serves');
    return siteId;
  }
  if (siteId) throw invalid('siteId', 'A portal number with scope "account" serves every site; leave siteId out or use scope "site"');
  return null;
}

/** Whether a portal serves users of a site: scope account, or scope site with that site. */
export const portalServesSite = (p: { scope: PortalScope; siteId: string | null }, siteId: string): boolean =>
  p.scope === 'account' || p.siteId === siteId;

export type ReadinessCheckName = 'portal_number' | 'user_enabled' | 'active_alternate_phone';

export interface ReadinessCheck {
  name: ReadinessCheckName;
  ok: boolean;
  message: string;
}

export interface Readiness {
  ready: boolean;
  checks: ReadinessCheck[];
}

export interface ReadinessInput {
  user: { siteId: string; siteName: string; officeAnywhereEnabled: boolean };
  portals: { name: string; number: string; scope: PortalScope; siteId: string | null }[];
  alternatePhones: { number: string; active: boolean }[];
}

/**
 * The three prerequisites of spec §7, each with a message saying what is there or what to do:
 * a portal number serves the user's site or the account; the user is enabled for Office Anywhere;
 * the user has at least one active alternate phone.
 */
export function officeAnywhereReadiness(input: ReadinessInput): Readiness {
  const { user } = input;
  const serving = input.portals.filter((p) => portalServesSite(p, user.siteId));
  const portal: ReadinessCheck = serving.length > 0
    ? { name: 'portal_number', ok: true, message: `Portal number ${serving.map((p) => (p.name === p.number ? p.number : `${p.name} (${p.number})`)).join(', ')} serves the site ${user.siteName}` }
    : { name: 'portal_number', ok: false, message: `No Office Anywhere portal number serves the site ${user.siteName} or the whole account; an account admin must add one (scope "account", or scope "site" for ${user.siteName})` };
  const enabled: ReadinessCheck = user.officeAnywhereEnabled
    ? { name: 'user_enabled', ok: true, message: 'The user is enabled for Office Anywhere' }
    : { name: 'user_enabled', ok: false, message: 'The user is not enabled for Office Anywhere; an admin must enable it on the user' };
  const active = input.alternatePhones.filter((a) => a.active);
  const total = input.alternatePhones.length;
  const alt: ReadinessCheck = active.length > 0
    ? { name: 'active_alternate_phone', ok: true, message: `${active.length} active alternate phone${active.length === 1 ? '' : 's'}: ${active.map((a) => a.number).join(', ')}` }
    : total === 0
      ? { name: 'active_alternate_phone', ok: false, message: 'The user has no alternate phone; add a mobile or landline number and mark it active' }
      : { name: 'active_alternate_phone', ok: false, message: `None of the user's ${total} alternate phone${total === 1 ? ' is' : 's is'} active; mark one active` };
  const checks = [portal, enabled, alt];
  return { ready: checks.every((c) => c.ok), checks };
}
