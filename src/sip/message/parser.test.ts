/**
 * Unit tests of the SIP message layer: start lines, header lines (folding, HCOLON, compact forms),
 * single-valued and mandatory headers, scalar bounds, limits, bodies, URIs (IPv6, escapes, params, tel:),
 * header-field parsers and the serializer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HeaderList, canonicalHeaderName } from './headers.ts';
import {
  formatNameAddr, formatVia, parseContact, parseCSeq, parseMediaType, parseNameAddr, parseNameAddrList, parseParams,
  parseUnsigned, parseVia, quote, splitHeaderValues, unquote,
} from './headers-parse.ts';
import { DEFAULT_LIMITS, parseMessage } from './parser.ts';
import { serializeMessage } from './serialize.ts';
import { SipParseError, type SipRequest, type SipResponse, type SipUri } from './types.ts';
import { formatUri, isSipUri, parseUri } from './uri.ts';

const BASE_HEADERS = [
  'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK74bf9',
  'Max-Forwards: 70',
  'From: "Alice" <sip:alice@example.com>;tag=9fxced76sl',
  'To: <sip:bob@example.com>',
  'Call-ID: 3848276298220188511@atlanta.example.com',
  'CSeq: 1 INVITE',
];

/** A message from lines joined by CRLF, with the empty line and body appended. */
function msg(startLine: string, headers: string[] = BASE_HEADERS, body = ''): Buffer {
  return Buffer.from([startLine, ...headers].join('\r\n') + '\r\n\r\n' + body, 'utf8');
}
function request(startLine = 'INVITE sip:bob@example.com SIP/2.0', headers: string[] = BASE_HEADERS, body = ''): SipRequest {
  const m = parseMessage(msg(startLine, headers, body));
  assert.equal(m.kind, 'request');
  return m as SipRequest;
}
function response(startLine: string, headers: string[] = BASE_HEADERS): SipResponse {
  const m = parseMessage(msg(startLine, headers));
  assert.equal(m.kind, 'response');
  return m as SipResponse;
}
/** Asserts that parsing throws SipParseError with `status`, and returns it. */
function fails(buf: Buffer, status: number, limits?: Parameters<typeof parseMessage>[1]): SipParseError {
  try {
    parseMessage(buf, limits);
  } catch (e) {
    assert.ok(e instanceof SipParseError, String(e));
    assert.equal(e.status, status, e.message);
    return e;
  }
  return assert.fail('parsed but must not');
}
function sip(s: string): SipUri {
  const u = parseUri(s);
  assert.ok(isSipUri(u));
  return u;
}
const bad = (f: () => unknown): void => assert.throws(f, SipParseError);

// ---------------------------------------------------------------------------------------------------
// Start lines (RFC 3261 §7.1, §7.2)

test('request line: method, Request-URI, version', () => {
  const m = request();
  assert.equal(m.method, 'INVITE');
  assert.equal(m.rawUri, 'sip:bob@example.com');
  assert.deepEqual(m.uri, { scheme: 'sip', user: 'bob', password: null, host: 'example.com', port: null, params: new Map(), headers: new Map() });
  assert.equal(m.maxForwards, 70);
  assert.deepEqual(m.cseq, { seq: 1, method: 'INVITE' });
});

test('request line: SIP-Version is case-insensitive (§7.1)', () => {
  assert.equal(request('INVITE sip:bob@example.com sip/2.0').method, 'INVITE');
});

test('request line: one SP exactly between elements, none at the ends → 400', () => {
  for (const line of [
    'INVITE  sip:bob@example.com SIP/2.0',
    'INVITE sip:bob@example.com  SIP/2.0',
    'INVITE sip:bob@example.com SIP/2.0 ',
    ' INVITE sip:bob@example.com SIP/2.0',
    'INVITE\tsip:bob@example.com SIP/2.0',
    'INVITE sip:bob@example.com',
    'INVITE <sip:bob@example.com> SIP/2.0',
    'INVITE sip:bob@example.com;\tlr SIP/2.0',
  ]) {
    fails(msg(line), 400);
  }
});

test('request line: other SIP versions → 505 with partial; a malformed version → 400', () => {
  const e = fails(msg('INVITE sip:bob@example.com SIP/3.0'), 505);
  assert.equal(e.partial?.method, 'INVITE');
  assert.equal(e.partial?.via?.[0]?.branch, 'z9hG4bK74bf9');
  fails(msg('INVITE sip:bob@example.com SIP/2.0.1'), 400);
  fails(msg('INVITE sip:bob@example.com HTTP/1.1'), 400);
  fails(msg('INVITE sip:bob@example.com SIP/2.'), 400);
});

test('request line: Request-URI with URI headers → 400 (§19.1.1)', () => {
  fails(msg('INVITE sip:bob@example.com?Subject=hi SIP/2.0'), 400);
});

test('request line: a non-token method → 400 without partial (not a SIP start line)', () => {
  const e = fails(msg('INV@TE sip:bob@example.com SIP/2.0'), 400);
  assert.equal(e.partial, null);
});

test('request line: other schemes parse as OtherUri (tel:, urn:)', () => {
  const m = request('INVITE tel:+1-201-555-0123;phone-context=example.com SIP/2.0');
  assert.deepEqual(m.uri, { scheme: 'tel', value: '+1-201-555-0123;phone-context=example.com' });
  assert.deepEqual(request('INVITE urn:service:sos SIP/2.0').uri, { scheme: 'urn', value: 'service:sos' });
});

test('status line: code, reason, UTF-8 reason, empty reason', () => {
  const r = response('SIP/2.0 180 Ringing');
  assert.equal(r.status, 180);
  assert.equal(r.reason, 'Ringing');
  assert.equal(response('SIP/2.0 486 Busy Here').reason, 'Busy Here');
  assert.equal(response('SIP/2.0 200 Très bien').reason, 'Très bien');
  assert.equal(response('SIP/2.0 100 ').reason, '');
  assert.equal(response('SIP/2.0 100').reason, ''); // tolerated: missing SP before an empty reason
});

test('status line: code outside 100-699 or not 3 digits → error without partial', () => {
  for (const line of ['SIP/2.0 099 Low', 'SIP/2.0 700 High', 'SIP/2.0 4294967301 Big', 'SIP/2.0 20 OK', 'SIP/2.0 2OO OK', 'SIP/2.0  200 OK']) {
    const e = fails(msg(line), 400);
    assert.equal(e.partial, null);
  }
  const e = fails(msg('SIP/3.0 200 OK'), 505);
  assert.equal(e.partial, null);
});

test('leading CRLFs before the start line are ignored (§7.5)', () => {
  const m = parseMessage(Buffer.concat([Buffer.from('\r\n\r\n'), msg('OPTIONS sip:bob@example.com SIP/2.0', BASE_HEADERS.map((h) => h.replace('1 INVITE', '1 OPTIONS')))]));
  assert.equal(m.kind, 'request');
});

test('garbage and truncated input → 400', () => {
  fails(Buffer.alloc(0), 400);
  fails(Buffer.from('\r\n\r\n'), 400);
  fails(Buffer.from('INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h'), 400); // no empty line
  fails(Buffer.from([0xff, 0xfe, 0x00, 0x0d, 0x0a, 0x0d, 0x0a]), 400);
});

// ---------------------------------------------------------------------------------------------------
// Header lines (§7.3)

test('HCOLON: white space before the colon, none or much after it', () => {
  const m = request(undefined, [...BASE_HEADERS, 'Subject   :   hello world  ', 'X-Empty:', 'X-Tab\t:\tv']);
  assert.equal(m.headers.get('Subject'), 'hello world');
  assert.equal(m.headers.get('X-Empty'), '');
  assert.equal(m.headers.get('X-Tab'), 'v');
});

test('folding: continuation lines joined with one SP (§7.3.1)', () => {
  const m = request(undefined, [
    ...BASE_HEADERS.filter((h) => !h.startsWith('Via')),
    'Via: SIP/2.0/UDP 192.0.2.1:5060',
    '   ;branch=z9hG4bKfold ,',
    '\tSIP/2.0/TCP [2001:db8::9]:5061;branch=z9hG4bKtwo',
    'Subject: first',
    '  second  ',
    ' ',
    '\tthird',
  ]);
  assert.equal(m.headers.get('Subject'), 'first second third');
  assert.equal(m.headers.get('Via'), 'SIP/2.0/UDP 192.0.2.1:5060 ;branch=z9hG4bKfold , SIP/2.0/TCP [2001:db8::9]:5061;branch=z9hG4bKtwo');
  assert.deepEqual(m.via.map((v) => [v.transport, v.host, v.port, v.branch]), [
    ['UDP', '192.0.2.1', 5060, 'z9hG4bKfold'],
    ['TCP', '[2001:db8::9]', 5061, 'z9hG4bKtwo'],
  ]);
});

test('a continuation line right after the start line → 400', () => {
  fails(msg('INVITE sip:bob@example.com SIP/2.0', [' folded', ...BASE_HEADERS]), 400);
});

test('header line without a colon, or with a non-token name → 400', () => {
  fails(msg('INVITE sip:bob@example.com SIP/2.0', [...BASE_HEADERS, 'NoColonHere']), 400);
  fails(msg('INVITE sip:bob@example.com SIP/2.0', [...BASE_HEADERS, 'Bad Name: x']), 400);
  fails(msg('INVITE sip:bob@example.com SIP/2.0', [...BASE_HEADERS, ': x']), 400);
});

test('bare CR or LF in the header section → 400 (no header smuggling)', () => {
  const withLf = Buffer.from(msg('INVITE sip:bob@example.com SIP/2.0', [...BASE_HEADERS, 'Subject: a\nVia: SIP/2.0/UDP evil']));
  fails(withLf, 400);
  const withCr = Buffer.from(msg('INVITE sip:bob@example.com SIP/2.0', [...BASE_HEADERS, 'Subject: a\rb']));
  fails(withCr, 400);
  fails(Buffer.from('INVITE sip:bob@example.com SIP/2.0\n' + BASE_HEADERS.join('\r\n') + '\r\n\r\n'), 400);
});

test('compact forms and any case are canonicalised (§7.3.3)', () => {
  const m = request(undefined, [
    'v: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKc',
    'f: <sip:alice@example.com>;tag=1',
    'T: <sip:bob@example.com>',
    'i: compact@example.com',
    'CSEQ: 7 INVITE',
    'max-forwards: 5',
    'c: application/sdp',
    'm: <sip:alice@192.0.2.1>',
    'k: timer',
    'l: 4',
  ], 'abcd');
  assert.deepEqual(m.headers.entries().map(([n]) => n), [
    'Via', 'From', 'To', 'Call-ID', 'CSeq', 'Max-Forwards', 'Content-Type', 'Contact', 'Supported', 'Content-Length',
  ]);
  assert.equal(m.callId, 'compact@example.com');
  assert.equal(m.maxForwards, 5);
  assert.equal(m.body.toString(), 'abcd');
  assert.equal(canonicalHeaderName('x-my-HEADER'), 'X-My-Header');
  assert.equal(canonicalHeaderName('www-authenticate'), 'WWW-Authenticate');
});

test('single-valued headers repeated → 400 (RFC 4475 §3.3.8, §3.3.9)', () => {
  for (const extra of [
    ['From: <sip:x@example.com>;tag=2'], ['To: <sip:y@example.com>'], ['Call-ID: other'], ['CSeq: 2 INVITE'],
    ['Max-Forwards: 69'], ['l: 0', 'Content-Length: 0'], ['Content-Type: text/plain', 'c: text/plain'],
  ]) {
    const e = fails(msg('INVITE sip:bob@example.com SIP/2.0', [...BASE_HEADERS, ...extra]), 400);
    assert.match(e.message, /more than one/);
    assert.equal(e.partial?.via?.length, 1);
  }
});

test('mandatory headers: Via, From, To, Call-ID, CSeq → 400 when missing; Max-Forwards may be absent', () => {
  for (const name of ['Via', 'From', 'To', 'Call-ID', 'CSeq']) {
    const e = fails(msg('INVITE sip:bob@example.com SIP/2.0', BASE_HEADERS.filter((h) => !h.startsWith(name + ':'))), 400);
    assert.equal(e.message, `missing ${name} header field`);
  }
  assert.equal(request(undefined, BASE_HEADERS.filter((h) => !h.startsWith('Max-Forwards'))).maxForwards, null);
  fails(msg('SIP/2.0 200 OK', BASE_HEADERS.filter((h) => !h.startsWith('Via'))), 400);
});

test('scalars: CSeq < 2^31, Max-Forwards ≤ 255, Expires ≤ 2^32-1, Content-Length digits', () => {
  const withHeader = (h: string): string[] => [...BASE_HEADERS.filter((x) => !x.startsWith(h.split(':')[0]!)), h];
  assert.equal(request(undefined, withHeader('CSeq: 2147483647 INVITE')).cseq.seq, 2147483647);
  fails(msg('INVITE sip:bob@example.com SIP/2.0', withHeader('CSeq: 2147483648 INVITE')), 400);
  assert.equal(request(undefined, withHeader('Max-Forwards: 255')).maxForwards, 255);
  assert.equal(request(undefined, withHeader('Max-Forwards: 0068')).maxForwards, 68);
  fails(msg('INVITE sip:bob@example.com SIP/2.0', withHeader('Max-Forwards: 256')), 400);
  fails(msg('INVITE sip:bob@example.com SIP/2.0', withHeader('Max-Forwards: -1')), 400);
  fails(msg('INVITE sip:bob@example.com SIP/2.0', withHeader('Max-Forwards: 7 0')), 400);
  assert.equal(request(undefined, withHeader('Expires: 4294967295')).headers.get('Expires'), '4294967295');
  fails(msg('INVITE sip:bob@example.com SIP/2.0', withHeader('Expires: 4294967296')), 400);
  fails(msg('INVITE sip:bob@example.com SIP/2.0', withHeader('Content-Length: 1e3')), 400);
  fails(msg('INVITE sip:bob@example.com SIP/2.0', withHeader('Content-Length: 99999999999999999999')), 400);
  fails(msg('INVITE sip:bob@example.com SIP/2.0', withHeader('CSeq: 1 OPTIONS')), 400); // method mismatch
  fails(msg('INVITE sip:bob@example.com SIP/2.0', withHeader('CSeq: 1INVITE')), 400);
  fails(msg('INVITE sip:bob@example.com SIP/2.0', withHeader('Call-ID: has space')), 400);
  fails(msg('INVITE sip:bob@example.com SIP/2.0', withHeader('Call-ID: a@b@c')), 400);
});

test('body: Content-Length bounds it, extra octets dropped, larger than data → 400, absent → the rest', () => {
  const h = (n: number): string[] => [...BASE_HEADERS, `Content-Length: ${n}`];
  const m = request(undefined, h(3), 'abcdef');
  assert.equal(m.body.toString(), 'abc');
  fails(msg('INVITE sip:bob@example.com SIP/2.0', h(7), 'abcdef'), 400);
  assert.equal(request(undefined, BASE_HEADERS, 'xyz').body.toString(), 'xyz');
  assert.equal(request(undefined, h(0), '').body.length, 0);
});

test('body bytes are kept as a Buffer slice, not decoded', () => {
  const raw = Buffer.concat([msg('INVITE sip:bob@example.com SIP/2.0', [...BASE_HEADERS, 'Content-Length: 4']), Buffer.from([0xff, 0x00, 0x0d, 0x0a])]);
  assert.deepEqual([...parseMessage(raw).body], [0xff, 0x00, 0x0d, 0x0a]);
});

test('header values are decoded as UTF-8', () => {
  const m = request(undefined, [...BASE_HEADERS.filter((h) => !h.startsWith('From')), 'From: "Zoë 日本" <sip:zoe@example.com>;tag=1', 'Subject: café']);
  assert.equal(m.from.displayName, 'Zoë 日本');
  assert.equal(m.headers.get('Subject'), 'café');
});

// ---------------------------------------------------------------------------------------------------
// Limits

test('DEFAULT_LIMITS', () => {
  assert.deepEqual({ ...DEFAULT_LIMITS }, { maxMessageBytes: 65535, maxHeaders: 256, maxLineBytes: 8192 });
});

test('limit: message size → 413 (with partial when the headers could be read)', () => {
  const body = 'x'.repeat(1000);
  const buf = msg('INVITE sip:bob@example.com SIP/2.0', [...BASE_HEADERS, `Content-Length: ${body.length}`], body);
  assert.equal(parseMessage(buf, { maxMessageBytes: buf.length }).body.length, 1000);
  const e = fails(buf, 413, { maxMessageBytes: buf.length - 1 });
  assert.equal(e.partial?.callId, '3848276298220188511@atlanta.example.com');
  fails(buf, 413, { maxMessageBytes: 100 }); // headers alone exceed the limit: no empty line within it
  // Trailing octets beyond Content-Length do not count (a datagram with junk after the message).
  const junk = Buffer.concat([msg('INVITE sip:bob@example.com SIP/2.0', [...BASE_HEADERS, 'Content-Length: 0']), Buffer.alloc(70000)]);
  assert.equal(parseMessage(junk).kind, 'request');
});

test('limit: number of header fields → 400', () => {
  const many = Array.from({ length: 250 }, (_, i) => `X-H${i}: ${i}`);
  assert.equal(request(undefined, [...BASE_HEADERS, ...many]).headers.entries().length, 256);
  const e = fails(msg('INVITE sip:bob@example.com SIP/2.0', [...BASE_HEADERS, ...many, 'X-One-Too-Many: 1']), 400);
  assert.match(e.message, /more than 256 header fields/);
  fails(msg('INVITE sip:bob@example.com SIP/2.0', [...BASE_HEADERS, 'X-A: 1']), 400, { maxHeaders: 6 });
});

test('limit: physical line length → 400', () => {
  const line = 'X-Long: ' + 'a'.repeat(8192 - 8);
  assert.equal(request(undefined, [...BASE_HEADERS, line]).headers.get('X-Long')!.length, 8184);
  fails(msg('INVITE sip:bob@example.com SIP/2.0', [...BASE_HEADERS, line + 'a']), 400);
  fails(msg('INVITE sip:bob@example.com SIP/2.0', [...BASE_HEADERS, 'X-Fold: a', ' ' + 'b'.repeat(9000)]), 400);
  fails(msg('INVITE sip:' + 'u'.repeat(9000) + '@example.com SIP/2.0'), 400);
});

// ---------------------------------------------------------------------------------------------------
// URIs (RFC 3261 §19.1)

test('URI: user, password, host, port, params, headers', () => {
  assert.deepEqual(sip('sips:alice:secret@Atlanta.Example.COM:5061;transport=TCP;lr;maddr=239.255.255.1?subject=project%20x&priority=urgent'), {
    scheme: 'sips', user: 'alice', password: 'secret', host: 'atlanta.example.com', port: 5061,
    params: new Map([['transport', 'TCP'], ['lr', null], ['maddr', '239.255.255.1']]),
    headers: new Map([['subject', 'project%20x'], ['priority', 'urgent']]),
  });
  assert.deepEqual(sip('SIP:example.com'), { scheme: 'sip', user: null, password: null, host: 'example.com', port: null, params: new Map(), headers: new Map() });
});

test('URI: IPv4 and IPv6 hosts', () => {
  assert.equal(sip('sip:192.0.2.4:5060').host, '192.0.2.4');
  const v6 = sip('sip:bob@[2001:DB8::10]:5070;transport=udp');
  assert.equal(v6.host, '[2001:db8::10]');
  assert.equal(v6.port, 5070);
  assert.equal(sip('sip:[::ffff:192.0.2.1]').host, '[::ffff:192.0.2.1]');
  for (const s of ['sip:[2001:db8::1', 'sip:[]', 'sip:[zz::1]', 'sip:[1:2]', 'sip:bob@[2001:db8::1]x']) bad(() => parseUri(s));
});

test('URI: escapes are validated and kept, parameter names lower-cased', () => {
  const u = sip('sip:%61lice%40x@example.com;Foo=B%41r');
  assert.equal(u.user, '%61lice%40x');
  assert.equal(u.params.get('foo'), 'B%41r');
  for (const s of ['sip:a%4@example.com', 'sip:a%zz@example.com', 'sip:a@example.com;p=%', 'sip:a%@example.com']) bad(() => parseUri(s));
});

test('URI: telephone-subscriber user and user=phone', () => {
  const u = sip('sip:+1-212-555-1212:1234@gateway.com;user=phone');
  assert.equal(u.user, '+1-212-555-1212');
  assert.equal(u.password, '1234');
  assert.equal(u.params.get('user'), 'phone');
});

test('URI: invalid forms', () => {
  for (const s of [
    '', 'sip:', 'sip:@example.com', 'sip:bob@', 'sip:bob@example.com:', 'sip:bob@example.com:65536', 'sip:bob@example.com:5x',
    'sip:bob@exa mple.com', 'sip:bob@example.com;', 'sip:bob@example.com;a=', 'sip:bob@example.com;a=1;A=2',
    'sip:bob@example.com?', 'sip:bob@example.com?h', '1sip:bob', ':bob', 'sip:bob@example.com>', 'tel:', 'tel:+1 555', 'x:a<b',
    'sip:bob@example.com#frag',
  ]) {
    bad(() => parseUri(s));
  }
});

test('URI: format round-trips', () => {
  for (const s of [
    'sip:alice@atlanta.example.com', 'sips:alice:pw@[2001:db8::1]:5061;transport=tcp;lr?h=v&x=', 'tel:+1-201-555-0123',
    'sip:user;par=u%40example.net@example.com', 'soap.beep://192.0.2.103:3002', 'sip:%00@h',
  ]) {
    assert.equal(formatUri(parseUri(s)), s);
    assert.deepEqual(parseUri(formatUri(parseUri(s))), parseUri(s));
  }
});

// ---------------------------------------------------------------------------------------------------
// Header-field parsers (RFC 3261 §20, §25)

test('name-addr: quoted and token display names, addr-spec, params', () => {
  const a = parseNameAddr('"Alice \\"Al\\" Smith" <sip:alice@example.com>;tag=abc;Expires=60;x="q v"');
  assert.equal(a.displayName, 'Alice "Al" Smith');
  assert.equal(sip(formatUri(a.uri)).user, 'alice');
  assert.deepEqual([...a.params], [['tag', 'abc'], ['expires', '60'], ['x', '"q v"']]);
  const b = parseNameAddr('Bob  Jones <sip:bob@example.com>');
  assert.equal(b.displayName, 'Bob  Jones');
  const c = parseNameAddr('sip:carol@example.com;tag=1');
  assert.equal(c.displayName, null);
  assert.equal(c.params.get('tag'), '1');
  assert.equal(parseNameAddr('<sip:d@example.com;lr>').displayName, null);
  assert.equal(parseNameAddr('"" <sip:e@example.com>').displayName, '');
  assert.equal(parseNameAddr('<sip:f@example.com>;received=[2001:db8::1]').params.get('received'), '[2001:db8::1]');
});

test('name-addr: invalid forms', () => {
  for (const s of [
    '', '"unterminated <sip:a@b>', 'Bell, Alexander <sip:a@b>', '< sip:a@b>', '<sip:a@b', 'sip:a@b?x=y', '<sip:a@b>;',
    '<sip:a@b>;tag=', '<sip:a@b>;tag=1;TAG=2', '<sip:a@b> x', '"a" sip:a@b', '<sip:a@b>, <sip:c@d>', '"bad\\\r" <sip:a@b>',
  ]) {
    bad(() => parseNameAddr(s));
  }
  assert.equal(parseNameAddr('<sip:a@b>;tag').params.get('tag'), null);
});

test('name-addr lists, Contact *, formatting', () => {
  const list = parseNameAddrList('"A, B" <sip:a@example.com>;q=0.5 , sip:b@example.com;expires=30,<sip:c@example.com>');
  assert.deepEqual(list.map((n) => [n.displayName, sip(formatUri(n.uri)).user, [...n.params]]), [
    ['A, B', 'a', [['q', '0.5']]], [null, 'b', [['expires', '30']]], [null, 'c', []],
  ]);
  bad(() => parseNameAddrList('<sip:a@b>,'));
  bad(() => parseNameAddrList(',<sip:a@b>'));
  assert.equal(parseContact(' * '), '*');
  assert.equal(formatNameAddr(parseNameAddr('"Q \\"x\\" \\\\" <sip:a@b>;tag=1')), '"Q \\"x\\" \\\\" <sip:a@b>;tag=1');
  assert.equal(formatNameAddr(parseNameAddr('sip:a@b;tag=1')), '<sip:a@b>;tag=1');
});

test('Via: several values, ports, params, received, rport, case', () => {
  const v = parseVia('SIP/2.0/udp Host.Example.com:5060;branch=z9hG4bK1;Received=192.0.2.9;rport=5061 , sip / 2.0 / ws abc.invalid;rport');
  assert.deepEqual(v.map((x) => [x.protocol, x.transport, x.host, x.port, x.branch, [...x.params]]), [
    ['SIP/2.0', 'UDP', 'host.example.com', 5060, 'z9hG4bK1', [['branch', 'z9hG4bK1'], ['received', '192.0.2.9'], ['rport', '5061']]],
    ['SIP/2.0', 'WS', 'abc.invalid', null, null, [['rport', null]]],
  ]);
  // RFC 5118 §4.5: IPv6 sent-by in brackets, received as a bare IPv6address.
  const v6 = parseVia('SIP/2.0/UDP [2001:db8::9:1]:6050;received=2001:db8::9:255;branch=z9hG4bKas3-111');
  assert.deepEqual([v6[0]!.host, v6[0]!.port, v6[0]!.params.get('received'), v6[0]!.branch], ['[2001:db8::9:1]', 6050, '2001:db8::9:255', 'z9hG4bKas3-111']);
  assert.equal(formatVia(v[0]!), 'SIP/2.0/UDP host.example.com:5060;branch=z9hG4bK1;received=192.0.2.9;rport=5061');
  assert.equal(formatVia({ ...v[1]!, branch: 'z9hG4bKnew' }), 'SIP/2.0/WS abc.invalid;rport;branch=z9hG4bKnew');
  for (const s of ['', 'SIP/2.0/UDP', 'SIP/2.0 host', 'SIP/2.0/UDPhost', 'SIP/2.0/UDP host:99999', 'SIP/2.0/UDP host;;', 'SIP/2.0/UDP host,', 'SIP/2.0/UDP host;branch=a b']) {
    bad(() => parseVia(s));
  }
});

test('CSeq, unsigned scalars, params, media types, lists, quoting', () => {
  assert.deepEqual(parseCSeq(' 0009 \t INVITE '), { seq: 9, method: 'INVITE' });
  for (const s of ['INVITE', '1', '-1 INVITE', '1 INV ITE', '2147483648 ACK']) bad(() => parseCSeq(s));
  assert.equal(parseUnsigned(' 42 ', 100), 42);
  assert.equal(parseUnsigned('101', 100), null);
  assert.equal(parseUnsigned('', 100), null);
  assert.deepEqual([...parseParams(' ; a = 1 ;B; c="x;y"')], [['a', '1'], ['b', null], ['c', '"x;y"']]);
  bad(() => parseParams('a=1'));
  assert.deepEqual(parseMediaType('Application/SDP ; charset=utf-8'), { type: 'application', subtype: 'sdp', params: new Map([['charset', 'utf-8']]) });
  bad(() => parseMediaType('application'));
  assert.deepEqual(splitHeaderValues('a, "b,c" ,<sip:d,e>, ,f'), ['a', '"b,c"', '<sip:d,e>', 'f']);
  assert.equal(unquote('"a\\"b"'), 'a"b');
  assert.equal(unquote('plain'), 'plain');
  assert.equal(quote('a"b\\c'), '"a\\"b\\\\c"');
});

// ---------------------------------------------------------------------------------------------------
// HeaderList and serializer

test('serializer: start line, headers in order, Content-Length replaced in place, body', () => {
  const m = request(undefined, [...BASE_HEADERS, 'Content-Type: text/plain', 'l: 0', 'Subject: hi'], '');
  m.body = Buffer.from('hello');
  const out = serializeMessage(m).toString();
  assert.equal(out, [
    'INVITE sip:bob@example.com SIP/2.0', ...BASE_HEADERS, 'Content-Type: text/plain', 'Content-Length: 5', 'Subject: hi', '', 'hello',
  ].join('\r\n'));
});

test('serializer: appends Content-Length when absent; writes responses; uses msg.uri', () => {
  const r = response('SIP/2.0 200 OK');
  assert.equal(serializeMessage(r).toString(), ['SIP/2.0 200 OK', ...BASE_HEADERS, 'Content-Length: 0', '', ''].join('\r\n'));
  const m = request();
  m.uri = parseUri('sip:carol@192.0.2.7:5080;transport=tcp');
  assert.ok(serializeMessage(m).toString().startsWith('INVITE sip:carol@192.0.2.7:5080;transport=tcp SIP/2.0\r\n'));
});

test('serializer: refuses CR/LF in values, bad names, methods and status codes', () => {
  const m = request();
  m.headers.append('Subject', 'a\r\nVia: SIP/2.0/UDP evil');
  assert.throws(() => serializeMessage(m), TypeError);
  const n = request();
  n.headers.append('Bad Name', 'x');
  assert.throws(() => serializeMessage(n), TypeError);
  assert.throws(() => serializeMessage({ ...request(), method: 'IN VITE' }), TypeError);
  assert.throws(() => serializeMessage({ ...response('SIP/2.0 200 OK'), status: 700 }), TypeError);
  assert.throws(() => serializeMessage({ ...response('SIP/2.0 200 OK'), reason: 'OK\r\nX: y' }), TypeError);
});

test('serializer: a message built in code parses back to the same fields', () => {
  const headers = new HeaderList([
    ['Via', 'SIP/2.0/TCP 198.51.100.1:5060;branch=z9hG4bKbuilt'],
    ['From', '"Ann" <sip:ann@example.org>;tag=a1'],
    ['To', '<sip:bob@example.org>'],
    ['Call-ID', 'built-1@example.org'],
    ['CSeq', '2 MESSAGE'],
    ['Max-Forwards', '70'],
    ['Content-Type', 'text/plain;charset=UTF-8'],
  ]);
  const parsed = parseMessage(serializeMessage({
    kind: 'request', method: 'MESSAGE', uri: parseUri('sip:bob@example.org'), rawUri: 'sip:bob@example.org', headers,
    body: Buffer.from('héllo'), via: [], from: parseNameAddr('<sip:x@y>'), to: parseNameAddr('<sip:x@y>'), callId: '', cseq: { seq: 0, method: '' }, maxForwards: null,
  })) as SipRequest;
  assert.equal(parsed.method, 'MESSAGE');
  assert.equal(parsed.body.toString(), 'héllo');
  assert.equal(parsed.headers.get('Content-Length'), '6');
  assert.equal(parsed.from.displayName, 'Ann');
  assert.deepEqual(parsed.cseq, { seq: 2, method: 'MESSAGE' });
});

test('HeaderList: fromCanonical adopts arrays; size; canonical cache is bounded', () => {
  const h = HeaderList.fromCanonical(['Via', 'Via', 'To'], ['a', 'b', 'c']);
  assert.equal(h.size, 3);
  assert.deepEqual(h.getAll('v'), ['a', 'b']);
  // Many distinct unknown names still canonicalise correctly once the cache is full.
  for (let i = 0; i < 5000; i++) assert.equal(canonicalHeaderName(`x-rand-${i}-NAME`), `X-Rand-${i}-Name`);
});
