/** Carrier trunk rules (spec §10, issue 5 item 4): settings, inbound address normalisation, trust matching. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from './errors.ts';
import {
  applyTrunkPatch, checkCredentials, checkHost, checkInboundAddresses, checkPort, checkPriority, checkTransport, checkTrunk, compileTrustList,
  defaultPort, outboundOrder, parseInboundAddress, trustedTrunkFor, type TrunkConfig,
} from './trunks.ts';

const refused = (field: string, detail?: RegExp) => (e: unknown) => {
  assert.ok(e instanceof AppError, String(e));
  assert.equal(e.code, 'validation_failed');
  assert.equal(e.field, field);
  if (detail) assert.match(e.message, detail);
  return true;
};

const trunk = (over: Partial<TrunkConfig> = {}): TrunkConfig => ({
  id: over.name ?? 'id', name: 'Carrier', host: 'sip.carrier.example', port: 5060, transport: 'UDP', username: null, password: null,
  priority: 100, enabled: true, inboundAddresses: [], ...over,
});

test('host: IPv4, IPv6 (RFC 5952 form, brackets dropped) and DNS names (lower case, trailing dot dropped)', () => {
  assert.equal(checkHost('203.0.113.10'), '203.0.113.10');
  assert.equal(checkHost(' SIP.Carrier.Example. '), 'sip.carrier.example');
  assert.equal(checkHost('sbc'), 'sbc');
  assert.equal(checkHost('2001:0DB8:0000:0000:0000:0000:0000:0001'), '2001:db8::1');
  assert.equal(checkHost('[2001:db8:0:0:1:0:0:1]'), '2001:db8::1:0:0:1', 'RFC 5952 §4.2.3: the first of two equal zero runs is compressed');
  assert.equal(checkHost('2001:db8:0:1:1:1:1:1'), '2001:db8:0:1:1:1:1:1', 'RFC 5952 §4.2.2: a single zero group is not compressed');
  assert.equal(checkHost('::ffff:192.0.2.1'), '192.0.2.1');
  assert.equal(checkHost('xn--bcher-kva.example'), 'xn--bcher-kva.example');
});

test('host: a scheme, a port, a user part, a bad address or no peer address is refused naming the field', () => {
  assert.throws(() => checkHost('sip:carrier.example'), refused('host', /has a scheme/));
  assert.throws(() => checkHost('https://carrier.example'), refused('host', /has a scheme/));
  assert.throws(() => checkHost('carrier.example:5060'), refused('host', /port field/));
  assert.throws(() => checkHost('203.0.113.10:5060'), refused('host', /port field/));
  assert.throws(() => checkHost('[2001:db8::1]:5060'), refused('host', /port field/));
  assert.throws(() => checkHost('trunk@carrier.example'), refused('host', /user part/));
  assert.throws(() => checkHost('1.2.3.999'), refused('host', /not a valid IPv4 address/));
  assert.throws(() => checkHost('bad_name.example'), refused('host', /not a host name/));
  assert.throws(() => checkHost('-bad.example'), refused('host', /not a host name/));
  assert.throws(() => checkHost(`${'a'.repeat(64)}.example`), refused('host', /not a host name/));
  assert.throws(() => checkHost('[carrier.example]'), refused('host', /not an IPv6 address/));
  assert.throws(() => checkHost('0.0.0.0'), refused('host', /unspecified/));
  assert.throws(() => checkHost('::'), refused('host', /unspecified/));
  assert.throws(() => checkHost('239.1.2.3'), refused('host', /multicast/));
  assert.throws(() => checkHost('ff02::1'), refused('host', /multicast/));
  assert.throws(() => checkHost('255.255.255.255'), refused('host', /broadcast/));
  assert.throws(() => checkHost('  '), refused('host', /empty/));
});

test('port, transport and priority', () => {
  assert.equal(defaultPort('UDP'), 5060);
  assert.equal(defaultPort('TCP'), 5060);
  assert.equal(defaultPort('TLS'), 5061);
  assert.equal(checkPort(1), 1);
  assert.equal(checkPort(65535), 65535);
  for (const p of [0, 65536, 5060.5]) assert.throws(() => checkPort(p), refused('port'));
  assert.equal(checkTransport('tls'), 'TLS');
  assert.throws(() => checkTransport('WS'), refused('transport', /not one of UDP, TCP, TLS/));
  assert.equal(checkPriority(0), 0);
  assert.equal(checkPriority(1000), 1000);
  for (const p of [-1, 1001, 1.5]) assert.throws(() => checkPriority(p), refused('priority'));
});

test('inbound addresses are normalised: RFC 5952 IPv6, host bits cleared, /32 and /128 as the address, mapped IPv6 as IPv4', () => {
  const ok = (entry: string, value: string) => assert.deepEqual(parseInboundAddress(entry), { ok: true, value }, entry);
  ok('203.0.113.7', '203.0.113.7');
  ok(' 203.0.113.7/32 ', '203.0.113.7');
  ok('203.0.113.77/24', '203.0.113.0/24');
  ok('10.1.2.3/8', '10.0.0.0/8');
  ok('198.51.100.128/25', '198.51.100.128/25');
  ok('2001:DB8:0:0::1', '2001:db8::1');
  ok('2001:db8::1/128', '2001:db8::1');
  ok('2001:db8:abcd:12::ff/48', '2001:db8:abcd::/48');
  ok('::ffff:192.0.2.9', '192.0.2.9');
  ok('::ffff:192.0.2.9/120', '192.0.2.0/24');
  ok('127.0.0.2', '127.0.0.2');
  assert.deepEqual(checkInboundAddresses(['203.0.113.7', '203.0.113.7/32', '2001:db8::/32', '2001:0db8::/32']), ['203.0.113.7', '2001:db8::/32'], 'duplicates after normalisation go');
  assert.deepEqual(checkInboundAddresses([]), []);
});

test('inbound addresses: every address, unspecified, multicast, broadcast and non-addresses are refused naming the entry', () => {
  const bad = (entry: string, reason: RegExp) => {
    const r = parseInboundAddress(entry);
    assert.equal(r.ok, false, entry);
    if (!r.ok) assert.match(r.reason, reason, entry);
  };
  bad('0.0.0.0/0', /every IPv4 address/);
  bad('10.0.0.0/0', /every IPv4 address/);
  bad('::/0', /every IPv6 address/);
  bad('::ffff:0.0.0.0/96', /every IPv4 address/);
  bad('0.0.0.0', /unspecified/);
  bad('::', /unspecified/);
  bad('224.0.0.1', /is a multicast address/);
  bad('239.0.0.0/8', /is a multicast|contains multicast/);
  bad('192.0.0.0/2', /contains multicast addresses \(224\.0\.0\.0\/4\)/);
  bad('255.255.255.255', /is the broadcast address/);
  bad('ff02::1', /is a multicast address/);
  bad('fe00::/7', /contains multicast addresses \(ff00::\/8\)/);
  bad('10.0.0.0/33', /at most 32/);
  bad('2001:db8::/129', /at most 128/);
  bad('fe80::1%eth0', /zone index/);
  bad('carrier.example', /not an IPv4 or IPv6 address or a CIDR block/);
  bad('10.0.0.256', /not an IPv4/);
  bad('10.0.0.0/8/8', /not an IPv4/);
  bad('10.0.0.0/', /not an IPv4/);
  bad('', /empty/);

  assert.throws(() => checkInboundAddresses(['203.0.113.7', '0.0.0.0/0', 'nonsense']), (e: unknown) => {
    assert.ok(e instanceof AppError);
    assert.equal(e.field, 'inboundAddresses');
    assert.equal(e.message, 'Inbound address "0.0.0.0/0" (entry 2) would trust every IPv4 address; list the carrier\'s own addresses or blocks (2 bad entries in all)');
    assert.deepEqual((e.extra.problems as { index: number; entry: string }[]).map((p) => [p.index, p.entry]), [[1, '0.0.0.0/0'], [2, 'nonsense']]);
    return true;
  });
  assert.throws(() => checkInboundAddresses(Array.from({ length: 101 }, (_, i) => `10.0.0.${i}`)), refused('inboundAddresses', /at most 100/));
});

test('credentials: both or neither, each checked', () => {
  assert.deepEqual(checkCredentials(null, null), { username: null, password: null });
  assert.deepEqual(checkCredentials(' trunk01 ', 's3cret pass'), { username: 'trunk01', password: 's3cret pass' });
  assert.throws(() => checkCredentials('trunk01', null), refused('password', /needs a password/));
  assert.throws(() => checkCredentials(null, 'secret'), refused('username', /needs a user name/));
  assert.throws(() => checkCredentials('trunk 01', 'secret'), refused('username', /no spaces or quotes/));
  assert.throws(() => checkCredentials('trunk"01', 'secret'), refused('username'));
  assert.throws(() => checkCredentials('trunk01', 'bad\nsecret'), refused('password', /control characters/));
  assert.throws(() => checkCredentials('trunk01', ''), refused('password', /empty/));
  assert.throws(() => checkCredentials('trunk01', 'x'.repeat(129)), refused('password', /longer than 128/));
});

test('a new trunk gets the defaults: UDP, the transport default port, priority 100, enabled', () => {
  assert.deepEqual(checkTrunk({ name: ' Carrier A ', host: 'SIP.A.example' }), {
    name: 'Carrier A', host: 'sip.a.example', port: 5060, transport: 'UDP', username: null, password: null, priority: 100, enabled: true, inboundAddresses: [],
  });
  const tls = checkTrunk({ name: 'B', host: '203.0.113.1', transport: 'tls', priority: 0, enabled: false, username: 'u', password: 'p', inboundAddresses: ['203.0.113.0/28'] });
  assert.equal(tls.port, 5061);
  assert.equal(tls.transport, 'TLS');
  assert.deepEqual([tls.priority, tls.enabled, tls.username, tls.password, tls.inboundAddresses], [0, false, 'u', 'p', ['203.0.113.0/28']]);
  assert.throws(() => checkTrunk({ name: '  ', host: 'a.example' }), refused('name', /cannot be empty/));
  assert.throws(() => checkTrunk({ name: 'x'.repeat(101), host: 'a.example' }), refused('name', /longer than 100/));
});

test('a change: absent fields stay, username null clears the credentials, a password alone keeps the user name', () => {
  const current = checkTrunk({ name: 'A', host: 'a.example', username: 'u', password: 'old', inboundAddresses: ['203.0.113.5'] });
  assert.deepEqual(applyTrunkPatch(current, {}), current);
  assert.deepEqual(applyTrunkPatch(current, { password: 'new' }), { ...current, password: 'new' });
  assert.deepEqual(applyTrunkPatch(current, { username: null }), { ...current, username: null, password: null });
  assert.deepEqual(applyTrunkPatch(current, { transport: 'TCP' }), { ...current, transport: 'TCP' }, 'the port stays');
  assert.deepEqual(applyTrunkPatch(current, { inboundAddresses: [] }).inboundAddresses, []);
  assert.throws(() => applyTrunkPatch(current, { username: null, password: 'x' }), refused('username'));
  const none = checkTrunk({ name: 'B', host: 'b.example' });
  assert.throws(() => applyTrunkPatch(none, { password: 'x' }), refused('username', /needs a user name/));
  assert.throws(() => applyTrunkPatch(none, { username: 'u' }), refused('password', /needs a password/));
  assert.throws(() => applyTrunkPatch(none, { host: 'sip:b.example' }), refused('host'));
});

test('outbound order: enabled trunks by priority, lower first, then by name', () => {
  const ts = [trunk({ name: 'zeta', priority: 10 }), trunk({ name: 'Off', priority: 0, enabled: false }), trunk({ name: 'Beta', priority: 20 }), trunk({ name: 'alpha', priority: 20 })];
  assert.deepEqual(outboundOrder(ts).map((t) => t.name), ['zeta', 'alpha', 'Beta']);
});

test('the trust list finds the trunk whose inbound addresses contain the address', () => {
  const a = trunk({ name: 'A', priority: 20, inboundAddresses: ['203.0.113.0/24', '2001:db8:a::/48'] });
  const b = trunk({ name: 'B', priority: 10, inboundAddresses: ['203.0.113.7', '198.51.100.1'] });
  const off = trunk({ name: 'Off', priority: 0, enabled: false, inboundAddresses: ['192.0.2.1'] });
  const loop = trunk({ name: 'Demo', priority: 30, inboundAddresses: ['127.0.0.2'] });
  const list = compileTrustList([a, b, off, loop]);
  assert.equal(list.match('203.0.113.8'), a);
  assert.equal(list.match('203.0.113.7'), b, 'both contain it: the one of lower priority number wins');
  assert.equal(list.match('198.51.100.1'), b);
  assert.equal(list.match('198.51.100.2'), null);
  assert.equal(list.match('203.0.114.1'), null);
  assert.equal(list.match('2001:db8:a:ffff::1'), a);
  assert.equal(list.match('[2001:DB8:A::5]'), a, 'brackets and case do not matter');
  assert.equal(list.match('2001:db8:b::1'), null);
  assert.equal(list.match('::ffff:203.0.113.9'), a, 'an IPv4-mapped source (dual-stack socket) matches the IPv4 block');
  assert.equal(list.match('::ffff:198.51.100.1'), b, 'an IPv4-mapped source matches a single IPv4 address');
  assert.equal(list.match('192.0.2.1'), null, 'a disabled trunk is not trusted');
  assert.equal(list.match('127.0.0.2'), loop);
  assert.equal(list.match('127.0.0.1'), null, 'phones on 127.0.0.1 are not the loopback carrier');
  assert.equal(list.match('not an address'), null);
  assert.equal(list.match(''), null);
  assert.deepEqual(list.skipped, []);
  assert.equal(trustedTrunkFor([a, b], '203.0.113.200'), a);
  assert.equal(trustedTrunkFor([], '203.0.113.200'), null);
});

test('the trust list skips (never trusts) a stored entry it cannot read', () => {
  const t = trunk({ name: 'Broken', inboundAddresses: ['0.0.0.0/0', '203.0.113.1'] });
  const list = compileTrustList([t]);
  assert.equal(list.match('8.8.8.8'), null);
  assert.equal(list.match('203.0.113.1'), t);
  assert.deepEqual(list.skipped.map((s) => [s.trunk, s.entry]), [['Broken', '0.0.0.0/0']]);
});
