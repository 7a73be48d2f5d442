import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SrvRecord } from 'node:dns';
import type { SipUri } from '../message/types.ts';
import { parseUri } from '../message/uri.ts';
import { resolveTarget, uriTransport, type Resolver } from './target.ts';

const sip = (s: string) => parseUri(s) as SipUri;

function fakeResolver(srv: Record<string, SrvRecord[]>, a: Record<string, string>): Resolver & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    lookup: async (h) => {
      asked.push('A ' + h);
      const r = a[h];
      if (!r) throw new Error('ENOTFOUND ' + h);
      return r;
    },
    resolveSrv: async (n) => {
      asked.push('SRV ' + n);
      const r = srv[n];
      if (!r) throw new Error('ENODATA ' + n);
      return r;
    },
  };
}

test('transport from the URI (§18.1.1, §19.1.1, §26.2.2, RFC 7118 §5.2)', () => {
  assert.equal(uriTransport(sip('sip:a@h')), 'UDP');
  assert.equal(uriTransport(sip('sip:a@h;transport=TCP')), 'TCP');
  assert.equal(uriTransport(sip('sip:a@h;transport=tls')), 'TLS');
  assert.equal(uriTransport(sip('sips:a@h')), 'TLS');
  assert.equal(uriTransport(sip('sips:a@h;transport=tcp')), 'TLS');
  assert.equal(uriTransport(sip('sip:a@h;transport=ws')), 'WS');
  assert.equal(uriTransport(sip('sips:a@h;transport=ws')), 'WSS');
  assert.throws(() => uriTransport(sip('sip:a@h;transport=sctp')), /unsupported transport/);
});

test('IP literals, ports and maddr need no DNS', async () => {
  const r = fakeResolver({}, {});
  assert.deepEqual(await resolveTarget(sip('sip:a@192.0.2.1'), r), { transport: 'UDP', address: '192.0.2.1', port: 5060 });
  assert.deepEqual(await resolveTarget(sip('sip:a@192.0.2.1:5099;transport=tcp'), r), { transport: 'TCP', address: '192.0.2.1', port: 5099 });
  assert.deepEqual(await resolveTarget(sip('sips:a@[2001:db8::1]'), r), { transport: 'TLS', address: '2001:db8::1', port: 5061 });
  assert.deepEqual(await resolveTarget(sip('sip:a@example.com;maddr=192.0.2.7'), r), { transport: 'UDP', address: '192.0.2.7', port: 5060 });
  assert.deepEqual(r.asked, []);
});

test('a host name without port: SRV (RFC 3263 §4.2) lowest priority first, then A; TLS keeps the name', async () => {
  const r = fakeResolver({
    '_sip._udp.carrier.example': [
      { name: 'b.carrier.example', port: 5070, priority: 20, weight: 0 },
      { name: 'a.carrier.example', port: 5080, priority: 10, weight: 5 },
    ],
    '_sips._tcp.carrier.example': [{ name: 'tls.carrier.example', port: 5063, priority: 1, weight: 1 }],
  }, { 'a.carrier.example': '198.51.100.10', 'plain.example': '198.51.100.20' });
  assert.deepEqual(await resolveTarget(sip('sip:+15551234567@carrier.example'), r), { transport: 'UDP', address: '198.51.100.10', port: 5080 });
  assert.deepEqual(await resolveTarget(sip('sips:x@carrier.example'), r), { transport: 'TLS', address: 'tls.carrier.example', port: 5063 });
  assert.deepEqual(await resolveTarget(sip('sip:x@plain.example;transport=tcp'), r), { transport: 'TCP', address: '198.51.100.20', port: 5060 });
  assert.deepEqual(await resolveTarget(sip('sip:x@plain.example:5090'), r), { transport: 'UDP', address: '198.51.100.20', port: 5090 });
  assert.ok(!r.asked.includes('SRV _sip._udp.plain.example'), 'no SRV lookup when the URI has a port');
  await assert.rejects(resolveTarget(sip('sip:x@nowhere.example'), r), /ENOTFOUND/);
});
