/**
 * The portal's frame in a real browser: sign-in (and its error), the navigation each role sees, the
 * operator's account picker, sign-out.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeAccount, makeUser } from '../../support/harness.ts';
import { eventually, requireBrowser, shot, startPortal } from '../support/portal.ts';

const skip = requireBrowser();

test('sign-in, role-aware navigation, operator account picker, sign-out', { skip }, async () => {
  const p = await startPortal();
  try {
    const t = await makeAccount(p.h, { name: 'Acme Shell' });
    const worker = await makeUser(p.h, t);

    // a wrong password: the server's sentence under the form, and no way in
    const login = await p.open('/numbers');
    await login.getByLabel('E-mail').fill(`nobody@${t.domain}`);
    await login.getByLabel('Password').fill('wrong password');
    await login.getByRole('button', { name: 'Sign in' }).click();
    await eventually(() => login.getByRole('alert').innerText(), /e-mail or password/i, 'login.getByRole(alert) innerText');
    await eventually(() => login.getByRole('navigation').count(), 0, 'login.getByRole(navigation) count');
    p.assertNoConsoleErrors(login);

    const admin = await p.signIn(t.adminEmail, 'admin password 1');
    await admin.getByRole('heading', { name: 'Numbers', level: 1 }).waitFor();
    const nav = admin.getByRole('navigation', { name: 'Main' });
    for (const label of ['Numbers', 'Users', 'Federations', 'Audit log']) assert.equal(await nav.getByRole('link', { name: label }).count(), 1, label);
    await eventually(() => nav.getByRole('link', { name: 'Accounts' }).count(), 0, 'an account admin has no platform pages');
    await shot(admin, 'shell');
    await admin.getByRole('button', { name: 'Sign out' }).click();
    await admin.getByRole('button', { name: 'Sign in' }).waitFor();
    p.assertNoConsoleErrors(admin);

    // a plain user is told the portal is for admins
    const user = await p.signIn(worker.email, 'user password 1');
    await user.getByRole('heading', { name: 'Not an admin' }).waitFor();

    // the operator lands on the platform and acts inside an account through the picker
    const op = await p.signIn(p.h.services.config.operatorEmail, 'operator password 1');
    await op.getByRole('heading', { name: 'Accounts', level: 1 }).waitFor();
    await op.getByLabel('Acting in account').selectOption({ label: 'Acme Shell' });
    await op.getByRole('heading', { name: 'Numbers', level: 1 }).waitFor();
    await eventually(() => op.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).count(), 1, 'op.getByRole(navigation, { name: Main }).getByRole(link, { name: Users }) count');
    p.assertNoConsoleErrors(op);
  } finally {
    await p.close();
  }
});
