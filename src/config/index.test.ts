import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { loadConfig } from './index.ts';

test('defaults start a self-contained server', () => {
  const c = loadConfig({});
  assert.equal(c.httpPort, 8080);
  assert.equal(c.sipPort, 5060);
  assert.equal(c.dataDir, path.resolve('./data'));
  assert.equal(c.databaseUrl, null);
  assert.equal(c.operatorEmail, 'operator@tandem.local');
  assert.equal(c.operatorPassword, null);
  assert.equal(c.maxUsersPerAccount, 10000);
  assert.equal(c.publicUrl, 'http://localhost:8080');
});

test('every wrong variable is named in one error', () => {
  assert.throws(
    () => loadConfig({ TANDEM_HTTP_PORT: 'eighty', TANDEM_SIP_PORT: '70000', DATABASE_URL: 'mysql://x', TANDEM_OPERATOR_PASSWORD: 'short' }),
    (e: Error) => {
      for (const name of ['TANDEM_HTTP_PORT', 'TANDEM_SIP_PORT', 'DATABASE_URL', 'TANDEM_OPERATOR_PASSWORD']) assert.match(e.message, new RegExp(name));
      return true;
    },
  );
});

test('given values are used', () => {
  const c = loadConfig({ TANDEM_HTTP_PORT: '9000', DATABASE_URL: 'postgres://u@h/db', TANDEM_MAX_USERS_PER_ACCOUNT: '50' });
  assert.equal(c.httpPort, 9000);
  assert.equal(c.databaseUrl, 'postgres://u@h/db');
  assert.equal(c.maxUsersPerAccount, 50);
});
