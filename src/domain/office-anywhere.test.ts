/** Office Anywhere rules (spec §7): portal scope and the three prerequisites. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from './errors.ts';
import { checkPortalScope, officeAnywhereReadiness, portalServesSite } from './office-anywhere.ts';

const S1 = 'site-1';
const S2 = 'site-2';

test('scope site needs a site; scope account takes none', () => {
  assert.equal(checkPortalScope('site', S1), S1);
  assert.equal(checkPortalScope('account', undefined), null);
  assert.equal(checkPortalScope('account', null), null);
  for (const [scope, site] of [['site', undefined], ['site', null], ['account', S1]] as const) {
    assert.throws(() => checkPortalScope(scope, site), (e: unknown) => e instanceof AppError && e.code === 'validation_failed' && e.field === 'siteId');
  }
});

test('a portal serves its site, or every site with scope account', () => {
  assert.equal(portalServesSite({ scope: 'account', siteId: null }, S2), true);
  assert.equal(portalServesSite({ scope: 'site', siteId: S1 }, S1), true);
  assert.equal(portalServesSite({ scope: 'site', siteId: S1 }, S2), false);
});

test('readiness: each failing prerequisite is reported with what to do', () => {
  const user = { siteId: S2, siteName: 'Branch', officeAnywhereEnabled: false };
  const r = officeAnywhereReadiness({ user, portals: [{ name: 'P', number: '+4930100', scope: 'site', siteId: S1 }], alternatePhones: [] });
  assert.equal(r.ready, false);
  assert.deepEqual(r.checks.map((c) => [c.name, c.ok]), [['portal_number', false], ['user_enabled', false], ['active_alternate_phone', false]]);
  assert.match(r.checks[0]!.message, /No Office Anywhere portal number serves the site Branch/);
  assert.match(r.checks[1]!.message, /not enabled for Office Anywhere/);
  assert.match(r.checks[2]!.message, /no alternate phone/);
  const inactive = officeAnywhereReadiness({ user, portals: [], alternatePhones: [{ number: '+49151', active: false }] });
  assert.match(inactive.checks[2]!.message, /None of the user's 1 alternate phone is active/);
});

test('readiness: ready once a portal serves the site, the user is enabled and an alternate phone is active', () => {
  const r = officeAnywhereReadiness({
    user: { siteId: S2, siteName: 'Branch', officeAnywhereEnabled: true },
    portals: [{ name: '+4930100', number: '+4930100', scope: 'account', siteId: null }],
    alternatePhones: [{ number: '+49151', active: false }, { number: '+49152', active: true }],
  });
  assert.equal(r.ready, true);
  assert.ok(r.checks.every((c) => c.ok));
  assert.match(r.checks[0]!.message, /\+4930100 serves the site Branch/);
});
