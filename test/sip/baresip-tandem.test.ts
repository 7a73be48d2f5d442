/**
 * Issue 5 "Done when": two real SIP phones (baresip) registered to Tandem call each other through the
 * routing engine. Each phone registers with the credentials the API showed once; the caller dials the
 * callee's extension; the callee answers; both see the call established with the caller ID the engine
 * chose (name + extension inside one account); the caller hangs up and both see it closed; the call
 * record is written.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { makeAccount } from '../support/harness.ts';
import { startBaresip, type Baresip } from './support/baresip.ts';
import { makePhone, startSipServer, type SipTestServer } from './support/tandem.ts';
import { requireTool } from './support/tools.ts';

const skip = requireTool('baresip');
let s: SipTestServer;
const phones: Baresip[] = [];

before(async () => {
  // baresip 1.0 (libre) gives up on a challenge list that contains any algorithm it lacks ("Register: Function
  // not implemented" with SHA-256 offered too): this deployment offers MD5 only, as TANDEM_SIP_DIGEST_ALGORITHMS allows.
  if (!skip) s = await startSipServer({ algorithms: ['MD5'] });
});
after(async () => {
  for (const p of phones) await p.stop();
  await s?.close();
});

test('two baresip phones registered to Tandem: the caller dials an extension, the callee answers, both hang up cleanly', { skip, timeout: 60_000 }, async () => {
  const t = await makeAccount(s.h);
  const ana = await makePhone(s.h, t, { firstName: 'Ana', lastName: 'Alves', extension: '4201' });
  const bo = await makePhone(s.h, t, { firstName: 'Bo', lastName: 'Berg', extension: '4202' });
  const proxy = `127.0.0.1:${s.udpPort}`;
  const caller = await startBaresip({ user: ana.username, domain: ana.domain, password: ana.password, proxy, maxLifeS: 50 });
  phones.push(caller);
  const callee = await startBaresip({ user: bo.username, domain: bo.domain, password: bo.password, proxy, autoAnswer: true, maxLifeS: 50 });
  phones.push(callee);
  assert.equal((await caller.waitForEvent('REGISTER_OK')).accountaor, `sip:${ana.username}@${ana.domain}`);
  assert.equal((await callee.waitForEvent('REGISTER_OK')).accountaor, `sip:${bo.username}@${bo.domain}`);
  assert.equal(s.sip.location.bindings(bo.deviceId).length, 1);

  const dialed = await caller.dial(`sip:4202@${ana.domain}`);
  assert.ok(dialed.ok, dialed.data);
  const incoming = await callee.waitForEvent('CALL_ESTABLISHED', 15_000);
  const outgoing = await caller.waitForEvent('CALL_ESTABLISHED', 15_000);
  assert.equal(incoming.raw.direction, 'incoming');
  assert.equal(outgoing.raw.direction, 'outgoing');
  // The callee sees the caller as the engine decided inside one account: name and extension.
  assert.equal(incoming.raw.peerdisplayname, 'Ana Alves');
  assert.equal(incoming.peeruri, `sip:4201@${ana.domain}`);
  // A B2BUA: two dialogs, two Call-IDs.
  assert.notEqual(incoming.raw.id, outgoing.raw.id);

  assert.ok((await caller.hangup()).ok);
  await caller.waitForEvent('CALL_CLOSED', 10_000);
  await callee.waitForEvent('CALL_CLOSED', 10_000);
  await s.sip.records.flush();
  const rows = await s.h.db.owner((sql) => sql.query(
    'SELECT direction, result, route_class, from_name, from_extension, to_extension FROM call_records WHERE account_id = $1', [t.accountId]));
  assert.deepEqual(rows, [{ direction: 'internal', result: 'answered', route_class: 'own_extension', from_name: 'Ana Alves', from_extension: '4201', to_extension: '4202' }]);
});
