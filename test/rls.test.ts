/**
 * Row-level security, the second wall: inside a tenant transaction, SQL that forgets the account
 * filter still sees and writes only that account; the audit log cannot be rewritten.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, makeAccount, makeUser, type Harness, type TenantFixture } from './support/harness.ts';

let h: Harness;
let a: TenantFixture;
let b: TenantFixture;
before(async () => {
  h = await harness();
  a = await makeAccount(h);
  b = await makeAccount(h);
  await makeUser(h, a);
  await makeUser(h, b);
});
after(async () => h.close());

test('a query without an account filter sees only the transaction’s account', async () => {
  const seen = await h.db.tenant(a.accountId, (sql) => sql.query<{ account_id: string }>('SELECT DISTINCT account_id FROM users'));
  assert.deepEqual(seen.map((r) => r.account_id), [a.accountId]);
  const sites = await h.db.tenant(a.accountId, (sql) => sql.query('SELECT id FROM sites'));
  assert.equal(sites.length, 1);
  const accounts = await h.db.tenant(a.accountId, (sql) => sql.query<{ id: string }>('SELECT id FROM accounts'));
  assert.deepEqual(accounts.map((r) => r.id), [a.accountId]);
});

test('writing a row of another account is refused by the policy', async () => {
  await assert.rejects(
    h.db.tenant(a.accountId, (sql) => sql.query(`UPDATE sites SET name = 'hijacked' WHERE account_id = $1 RETURNING id`, [b.accountId]).then((rows) => {
      if (rows.length === 0) throw new Error('no row visible');
      return rows;
    })),
    /no row visible/,
  );
  await assert.rejects(
    h.db.tenant(a.accountId, (sql) => sql.query(`INSERT INTO sites (id, account_id, name, time_zone) VALUES (gen_random_uuid(), $1, 'x', 'UTC')`, [b.accountId])),
    /row-level security/,
  );
});

test('a transaction with no account sees no tenant rows', async () => {
  const rows = await h.db.identity((sql) => sql.query('SELECT id FROM users'));
  assert.equal(rows.length, 0);
});

test('the audit log is append-only for the application', async () => {
  await assert.rejects(h.db.tenant(a.accountId, (sql) => sql.query('DELETE FROM audit_log')), /permission denied/);
  await assert.rejects(h.db.tenant(a.accountId, (sql) => sql.query(`UPDATE audit_log SET action = 'x'`)), /permission denied/);
});

test('the application role is not the owner of the tables', async () => {
  const r = await h.db.tenant(a.accountId, (sql) => sql.query<{ u: string; owner: string }>(`SELECT current_user AS u, (SELECT tableowner FROM pg_tables WHERE tablename = 'users') AS owner`));
  assert.equal(r[0]!.u, 'tandem_app');
  assert.notEqual(r[0]!.owner, 'tandem_app');
});
