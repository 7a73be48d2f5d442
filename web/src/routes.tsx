/**
 * Every screen of the portal: its path, the navigation entry, and who sees it. The shell builds the
 * navigation from this table for the signed-in role; a screen a role may not see is not routed.
 *  - `account: true` screens act inside an account (an operator must pick one first).
 */
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { Role } from './session.tsx';

export interface Screen {
  path: string;
  /** Navigation label; none for screens reached from another (details pages). */
  nav?: string;
  group: 'Telephony' | 'People' | 'Federation' | 'Records' | 'Platform';
  roles: Role[];
  account: boolean;
  component: LazyExoticComponent<ComponentType>;
}

const ADMINS: Role[] = ['operator', 'account_admin'];
const SITE_ADMINS: Role[] = ['operator', 'account_admin', 'site_admin'];

export const screens: Screen[] = [
  // spec §3–4: numbers per site, number features
  { path: '/numbers', nav: 'Numbers', group: 'Telephony', roles: SITE_ADMINS, account: true, component: lazy(() => import('./pages/telephony/Numbers.tsx')) },
  { path: '/numbers/:numberId/features', group: 'Telephony', roles: SITE_ADMINS, account: true, component: lazy(() => import('./pages/telephony/Features.tsx')) },
  // spec §6: handsets
  { path: '/devices', nav: 'Devices', group: 'Telephony', roles: SITE_ADMINS, account: true, component: lazy(() => import('./pages/people/Devices.tsx')) },
  // spec §7: Office Anywhere portal numbers
  { path: '/office-anywhere', nav: 'Office Anywhere', group: 'Telephony', roles: ADMINS, account: true, component: lazy(() => import('./pages/people/OfficeAnywhere.tsx')) },
  // spec §2: users and sites
  { path: '/users', nav: 'Users', group: 'People', roles: ADMINS, account: true, component: lazy(() => import('./pages/people/Users.tsx')) },
  { path: '/users/:userId', group: 'People', roles: ADMINS, account: true, component: lazy(() => import('./pages/people/UserDetail.tsx')) },
  { path: '/account-settings', nav: 'Account settings', group: 'People', roles: ADMINS, account: true, component: lazy(() => import('./pages/people/AccountSettings.tsx')) },
  { path: '/sites', nav: 'Sites', group: 'People', roles: ADMINS, account: true, component: lazy(() => import('./pages/people/Sites.tsx')) },
  { path: '/directory', nav: 'Directory', group: 'People', roles: SITE_ADMINS, account: true, component: lazy(() => import('./pages/records/Directory.tsx')) },
  // spec §8: federations, Organization Connect call rules, and the dial-plan simulator (§9)
  { path: '/federations', nav: 'Federations', group: 'Federation', roles: ADMINS, account: true, component: lazy(() => import('./pages/federation/Federations.tsx')) },
  { path: '/federations/:federationId', group: 'Federation', roles: ADMINS, account: true, component: lazy(() => import('./pages/federation/FederationDetail.tsx')) },
  { path: '/call-rules', nav: 'Outbound call rules', group: 'Federation', roles: ADMINS, account: true, component: lazy(() => import('./pages/federation/CallRules.tsx')) },
  { path: '/simulator', nav: 'Dial-plan simulator', group: 'Federation', roles: ADMINS, account: true, component: lazy(() => import('./pages/federation/Simulator.tsx')) },
  // spec §9, §12: call log, invoices, audit
  { path: '/call-log', nav: 'Call log', group: 'Records', roles: SITE_ADMINS, account: true, component: lazy(() => import('./pages/records/CallLog.tsx')) },
  { path: '/invoices', nav: 'Invoices', group: 'Records', roles: ADMINS, account: true, component: lazy(() => import('./pages/records/Invoices.tsx')) },
  { path: '/audit', nav: 'Audit log', group: 'Records', roles: ADMINS, account: true, component: lazy(() => import('./pages/records/Audit.tsx')) },
  // the signed-in admin's own password and API tokens (reached from the top bar)
  { path: '/me', group: 'Platform', roles: ['operator', 'account_admin', 'site_admin'], account: false, component: lazy(() => import('./pages/me/MyAccount.tsx')) },
  // operator: the platform
  { path: '/operator/accounts', nav: 'Accounts', group: 'Platform', roles: ['operator'], account: false, component: lazy(() => import('./pages/operator/Accounts.tsx')) },
  { path: '/operator/inventory', nav: 'Number inventory', group: 'Platform', roles: ['operator'], account: false, component: lazy(() => import('./pages/operator/Inventory.tsx')) },
  { path: '/operator/trunks', nav: 'Carrier trunks', group: 'Platform', roles: ['operator'], account: false, component: lazy(() => import('./pages/operator/Trunks.tsx')) },
  { path: '/operator/rate-deck', nav: 'Rate deck', group: 'Platform', roles: ['operator'], account: false, component: lazy(() => import('./pages/operator/RateDeck.tsx')) },
];

/** Where a role lands after signing in. */
export function homePath(role: Role, actingInAccount: boolean): string {
  if (role === 'operator') return actingInAccount ? '/numbers' : '/operator/accounts';
  if (role === 'user') return '/not-an-admin';
  return '/numbers';
}
