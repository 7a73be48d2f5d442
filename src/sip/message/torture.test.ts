/**
 * RFC 4475 torture corpus: every one of the 49 messages handled as test/fixtures/rfc4475/INDEX.md says.
 * Valid messages parse, with exact field values spot-checked; invalid requests throw SipParseError with the
 * expected status and a `partial` good enough to answer; invalid responses throw without partial (they
 * are dropped); the application-semantics messages give the expected requestValidation result.
 * Every message that parses also round-trips: parse(serialize(m)) deep-equals m.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { parseContact, parseNameAddr, parseNameAddrList, splitHeaderValues } from './headers-parse.ts';
import { parseMessage } from './parser.ts';
import { serializeMessage } from './serialize.ts';
import { SipParseError, type NameAddr, type SipMessage, type SipRequest, type SipResponse, type SipUri, type Uri } from './types.ts';
import { isSipUri } from './uri.ts';
import { requestValidation } from './validate.ts';

const DIR = new URL('../../../test/fixtures/rfc4475/', import.meta.url);
const load = (name: string): Buffer => fs.readFileSync(new URL(`${name}.dat`, DIR));

function req(name: string): SipRequest {
  const m = parseMessage(load(name));
  assert.equal(m.kind, 'request', name);
  return m as SipRequest;
}
function res(name: string): SipResponse {
  const m = parseMessage(load(name));
  assert.equal(m.kind, 'response', name);
  return m as SipResponse;
}
function sip(u: Uri): SipUri {
  assert.ok(isSipUri(u), `expected a sip/sips URI, got ${u.scheme}`);
  return u;
}
function parseError(name: string): SipParseError {
  try {
    parseMessage(load(name));
  } catch (e) {
    assert.ok(e instanceof SipParseError, `${name}: ${String(e)}`);
    return e;
  }
  assert.fail(`${name} parsed but must not`);
}
function roundTrip(m: SipMessage): void {
  assert.deepStrictEqual(parseMessage(serializeMessage(m)), m);
}

test('corpus holds the 49 RFC 4475 messages', () => {
  const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.dat'));
  assert.equal(files.length, 49);
  const index = fs.readFileSync(new URL('INDEX.md', DIR), 'utf8');
  for (const f of files) assert.ok(index.includes(`| ${f} |`), `${f} is described in INDEX.md`);
});

// ---------------------------------------------------------------------------------------------------
// RFC 4475 §3.1.1: valid messages

test('wsinv: folding, odd whitespace, compact and mixed-case names, unknown headers (§3.1.1.1)', () => {
  const m = req('wsinv');
  assert.equal(m.method, 'INVITE');
  assert.equal(m.rawUri, 'sip:vivekg@chair-dnrc.example.com;unknownparam');
  const u = sip(m.uri);
  assert.equal(u.user, 'vivekg');
  assert.equal(u.host, 'chair-dnrc.example.com');
  assert.deepEqual([...u.params], [['unknownparam', null]]);
  assert.equal(sip(m.to.uri).user, 'vivekg');
  assert.equal(m.to.params.get('tag'), '1918181833n');
  assert.equal(m.from.displayName, 'J Rosenberg \\"');
  assert.equal(m.from.params.get('tag'), '98asjd8');
  assert.equal(m.maxForwards, 68);
  assert.equal(m.callId, 'wsinv.ndaksdj@192.0.2.1');
  assert.deepEqual(m.cseq, { seq: 9, method: 'INVITE' });
  assert.deepEqual(
    m.via.map((v) => [v.protocol, v.transport, v.host, v.port, v.branch]),
    [
      ['SIP/2.0', 'UDP', '192.0.2.2', null, '390skdjuw'],
      ['SIP/2.0', 'TCP', 'spindle.example.com', null, 'z9hG4bK9ikj8'],
      ['SIP/2.0', 'UDP', '192.168.255.111', null, 'z9hG4bK30239'],
    ],
  );
  assert.equal(m.headers.get('Subject'), '');
  assert.equal(m.headers.get('NewFangledHeader'), 'newfangled value continued newfangled value');
  assert.equal(m.headers.get('UnknownHeaderWithUnusualValue'), ';;,,;;,;');
  const [route] = parseNameAddrList(m.headers.get('Route')!);
  assert.deepEqual([...sip(route!.uri).params], [['lr', null], ['unknownwith', 'value'], ['unknown-no-value', null]]);
  const contact = parseContact(m.headers.get('Contact')!) as NameAddr[];
  assert.equal(contact.length, 1);
  assert.equal(contact[0]!.displayName, 'Quoted string ""');
  assert.deepEqual([...contact[0]!.params], [['newparam', 'newvalue'], ['secondparam', null], ['q', '0.33']]);
  assert.equal(m.body.length, 150);
  assert.ok(m.body.toString('latin1').startsWith('v=0\r\n'));
  assert.equal(requestValidation(m), null);
  roundTrip(m);
});

test('intmeth: unusual but legal characters in method, URI and headers (§3.1.1.2)', () => {
  const m = req('intmeth');
  const method = "!interesting-Method0123456789_*+`.%indeed'~";
  assert.equal(m.method, method);
  const u = sip(m.uri);
  assert.equal(u.user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
  assert.equal(u.password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
  assert.equal(u.host, 'example.com');
  assert.equal(m.via[0]!.branch, "z9hG4bK-.!%66*_+`'~");
  assert.equal(m.to.displayName, 'BEL:\x07 NUL:\x00 DEL:\x7f');
  assert.equal(sip(m.to.uri).user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
  assert.equal(m.from.displayName, "token1~` token2'+_ token3*%!.-");
  assert.equal(m.from.params.get("fromparam''~+*_!.-%"), '"\u0440\u0430\u0431\u043e\u0442\u0430\u044e\u0449\u0438\u0439"');
  assert.equal(m.from.params.get('tag'), "_token~1'+`*%!-.");
  assert.equal(m.callId, "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
  assert.deepEqual(m.cseq, { seq: 139122385, method });
  assert.equal(m.maxForwards, 255);
  assert.equal(m.headers.get("extensionHeader-!.%*+_`'~"), '\ufeff\u5927\u505c\u96fb');
  roundTrip(m);
});

test('esc01: valid %-escaping in the Request-URI and headers (§3.1.1.3)', () => {
  const m = req('esc01');
  const u = sip(m.uri);
  assert.equal(u.user, 'sips%3Auser%40example.com');
  assert.equal(u.host, 'example.net');
  assert.equal(sip(m.to.uri).user, '%75se%72');
  assert.equal(sip(m.from.uri).user, 'I%20have%20spaces');
  assert.equal(m.callId, 'esc01.239409asdfakjkn23onasd0-3234');
  assert.equal(m.headers.get('Content-Type'), 'application/sdp');
  const c = parseNameAddr(m.headers.get('Contact')!);
  const cu = sip(c.uri);
  assert.equal(cu.user, 'cal%6Cer');
  assert.deepEqual([...cu.params], [['%6c%72', null], ['n%61me', 'v%61lue%25%34%31']]);
  roundTrip(m);
});

test('escnull: escaped NUL in a URI user part is accepted and kept (§3.1.1.4)', () => {
  const m = req('escnull');
  assert.equal(sip(m.to.uri).user, 'null-%00-null');
  assert.equal(sip(m.from.uri).user, 'null-%00-null');
  const contacts = m.headers.getAll('Contact').map((c) => sip(parseNameAddr(c).uri).user);
  assert.deepEqual(contacts, ['%00', '%00%00']);
  assert.equal(m.body.length, 0);
  roundTrip(m);
});

test('esc02: a % that is not an escape, in a method, display name, branch and header name (§3.1.1.5)', () => {
  const m = req('esc02');
  assert.equal(m.method, 'RE%47IST%45R');
  assert.deepEqual(m.cseq, { seq: 29344, method: 'RE%47IST%45R' });
  assert.equal(m.to.displayName, '%Z%45');
  assert.equal(m.from.displayName, '%Z%45');
  assert.equal(m.via[0]!.branch, 'z9hG4bK209%fzsnel234');
  assert.deepEqual(m.headers.getAll('Contact'), ['<sip:alias1@host1.example.com>', '<sip:alias3@host3.example.com>']);
  assert.equal(m.headers.get('C%6Fntact'), '<sip:alias2@host2.example.com>');
  roundTrip(m);
});

test('lwsdisp: no whitespace between display name and < (§3.1.1.6)', () => {
  const m = req('lwsdisp');
  assert.equal(m.from.displayName, 'caller');
  assert.equal(sip(m.from.uri).user, 'caller');
  assert.equal(m.from.params.get('tag'), '323');
  roundTrip(m);
});

test('longreq: long values and many header lines (§3.1.1.7)', () => {
  const m = req('longreq');
  assert.equal(m.via.length, 34);
  assert.equal(m.via[0]!.host, 'sip33.example.com');
  assert.equal(m.via[33]!.host, 'host.example.com');
  assert.equal(m.via[33]!.params.get('received'), '192.0.2.5');
  assert.equal(m.via[33]!.branch, 'very' + 'long'.repeat(50) + 'branchvalue');
  assert.equal(m.to.displayName, 'I have a user name of ' + 'extreme'.repeat(10) + ' proportion');
  const tu = sip(m.to.uri);
  assert.equal(tu.port, 6000);
  assert.equal(tu.params.size, 3);
  assert.equal(tu.params.get('longparamname' + 'name'.repeat(24)), 'shortvalue');
  assert.equal(sip(m.from.uri).user, 'amazinglylongcallername'.repeat(5));
  assert.equal(m.from.params.get('tag'), '1' + '298'.repeat(50) + '2424');
  assert.ok(m.from.params.has('unknownvaluelessparamname' + 'paramname'.repeat(9)));
  assert.equal(m.callId, 'longreq.one' + 'really'.repeat(20) + 'longcallid');
  assert.deepEqual(m.cseq, { seq: 3882340, method: 'INVITE' });
  assert.equal(m.body.length, 150);
  roundTrip(m);
});

test('dblreq: Content-Length bounds the first message; the rest of the datagram is discarded (§3.1.1.8)', () => {
  const m = req('dblreq');
  assert.equal(m.method, 'REGISTER');
  assert.equal(m.callId, 'dblreq.0ha0isndaksdj99sdfafnl3lk233412');
  assert.equal(m.body.length, 0);
  assert.equal(m.headers.getAll('Call-ID').length, 1);
  roundTrip(m);
});

test('semiuri: semicolons in the user part of a URI (§3.1.1.9)', () => {
  const m = req('semiuri');
  const u = sip(m.uri);
  assert.equal(u.user, 'user;par=u%40example.net');
  assert.equal(u.host, 'example.com');
  assert.equal(u.params.size, 0);
  assert.deepEqual(splitHeaderValues(m.headers.get('Accept')!), [
    'application/sdp', 'application/pkcs7-mime', 'multipart/mixed', 'multipart/signed', 'message/sip', 'message/sipfrag',
  ]);
  roundTrip(m);
});

test('transports: Via with varied and unknown transports (§3.1.1.10)', () => {
  const m = req('transports');
  assert.deepEqual(m.via.map((v) => v.transport), ['UDP', 'SCTP', 'TLS', 'UNKNOWN', 'TCP']);
  assert.deepEqual(m.via.map((v) => v.host), ['t1', 't2', 't3', 't4', 't5'].map((t) => `${t}.example.com`));
  assert.equal(m.callId, 'transports.kijh4akdnaqjkwendsasfdj');
  roundTrip(m);
});

test('mpart01: multipart MIME body kept byte for byte (§3.1.1.11)', () => {
  const raw = load('mpart01');
  const m = req('mpart01');
  assert.equal(m.body.length, 553);
  assert.ok(m.body.equals(raw.subarray(raw.length - 553)));
  assert.equal(m.headers.get('Content-Type'), 'multipart/mixed;boundary=7a9cbec02ceef655');
  assert.equal(m.via[0]!.params.get('rport'), null);
  assert.ok(m.via[0]!.params.has('rport'));
  roundTrip(m);
});

test('unreason: UTF-8 reason phrase (§3.1.1.12)', () => {
  const m = res('unreason');
  assert.equal(m.status, 200);
  assert.equal(
    m.reason,
    '= 2**3 * 5**2 \u043d\u043e \u0441\u0442\u043e \u0434\u0435\u0432\u044f\u043d\u043e\u0441\u0442\u043e ' +
      '\u0434\u0435\u0432\u044f\u0442\u044c - \u043f\u0440\u043e\u0441\u0442\u043e\u0435',
  );
  assert.equal(m.body.length, 154);
  roundTrip(m);
});

test('noreason: empty reason phrase (§3.1.1.13)', () => {
  const m = res('noreason');
  assert.equal(m.status, 100);
  assert.equal(m.reason, '');
  assert.equal(m.to.params.get('tag'), '902jndnke3');
  roundTrip(m);
});

// ---------------------------------------------------------------------------------------------------
// RFC 4475 §3.1.2: invalid messages. Requests: 400 (505 for the version) with an answerable partial.

/** The partial of a rejected request carries what a 400 needs (RFC 3261 §8.2.6: Via, From, To, Call-ID, CSeq). */
function rejected(name: string, status: number, callId: string): SipParseError {
  const e = parseError(name);
  assert.equal(e.status, status, `${name}: ${e.message}`);
  assert.ok(e.partial, `${name} has a partial request`);
  assert.equal(e.partial.kind, 'request');
  assert.equal(e.partial.callId, callId);
  assert.ok(e.partial.via && e.partial.via.length > 0, `${name} partial has Via`);
  assert.equal(e.partial.headers?.get('Call-ID'), callId);
  return e;
}

test('badinv01: extraneous header field separators → 400 (§3.1.2.1)', () => {
  const e = parseError('badinv01');
  assert.equal(e.status, 400);
  assert.equal(e.partial?.method, 'INVITE');
  assert.equal(e.partial?.callId, 'badinv01.0ha0isndaksdjasdf3234nas');
  assert.equal(e.partial?.via?.length, 0); // the Via itself is the malformed header
  assert.equal(e.partial?.headers?.get('Via'), 'SIP/2.0/UDP 192.0.2.15;;,;,,');
});

test('clerr: Content-Length larger than the message → 400 (§3.1.2.2)', () => {
  const e = rejected('clerr', 400, 'clerr.0ha0isndaksdjweiafasdk3');
  assert.match(e.message, /Content-Length/);
  assert.deepEqual(e.partial?.cseq, { seq: 8, method: 'INVITE' });
});

test('ncl: negative Content-Length → 400 (§3.1.2.3)', () => {
  const e = rejected('ncl', 400, 'ncl.0ha0isndaksdj2193423r542w35');
  assert.match(e.message, /Content-Length/);
});

test('scalar02: overlarge scalar values → 400 (§3.1.2.4)', () => {
  const e = rejected('scalar02', 400, 'scalar02.23o0pd9vanlq3wnrlnewofjas9ui32');
  assert.match(e.message, /CSeq/);
  assert.equal(e.partial?.cseq, undefined);
  assert.equal(e.partial?.via?.[0]?.branch, 'z9hG4bK342sdfoi3');
});

test('scalarlg: response with overlarge scalars is dropped (§3.1.2.5)', () => {
  const e = parseError('scalarlg');
  assert.equal(e.partial, null);
});

test('quotbal: unterminated quoted string → 400 (§3.1.2.6)', () => {
  const e = rejected('quotbal', 400, 'quotbal.aksdj');
  assert.match(e.message, /quoted/);
  assert.equal(e.partial?.to, undefined);
  assert.equal(e.partial?.from?.params.get('tag'), '93334');
});

test('ltgtruri: Request-URI in <> → 400 (§3.1.2.7)', () => {
  const e = rejected('ltgtruri', 400, 'ltgtruri.1@192.0.2.5');
  assert.equal(e.partial?.method, 'INVITE');
  assert.equal(e.partial?.rawUri, '<sip:user@example.com>');
  assert.equal(e.partial?.uri, undefined);
});

test('lwsruri: whitespace inside the Request-URI → 400 (§3.1.2.8)', () => {
  rejected('lwsruri', 400, 'lwsruri.asdfasdoeoi2323-asdfwrn23-asd834rk423');
});

test('lwsstart: several spaces between request-line elements → 400 (§3.1.2.9)', () => {
  rejected('lwsstart', 400, 'lwsstart.dfknq234oi243099adsdfnawe3@example.com');
});

test('trws: SP at the end of the request line → 400 (§3.1.2.10)', () => {
  rejected('trws', 400, 'trws.oicu34958239neffasdhr2345r');
});

test('escruri: escaped headers in the Request-URI → 400 (§3.1.2.11)', () => {
  const e = rejected('escruri', 400, 'escruri.23940-asdfhj-aje3br-234q098w-fawerh2q-h4n5');
  assert.match(e.message, /Request-URI/);
});

test('baddate: invalid time zone in Date → validation 400 (§3.1.2.12)', () => {
  const m = req('baddate');
  assert.equal(m.headers.get('Date'), 'Fri, 01 Jan 2010 16:00:00 EST');
  assert.deepEqual(requestValidation(m), { status: 400, reason: 'Bad Request (malformed Date)', headers: [] });
});

test('regbadct: Contact URI with ? outside <> → validation 400 (§3.1.2.13)', () => {
  const m = req('regbadct');
  assert.throws(() => parseContact(m.headers.get('Contact')!), SipParseError);
  assert.deepEqual(requestValidation(m), { status: 400, reason: 'Bad Request (malformed Contact)', headers: [] });
});

test('badaspec: whitespace inside an addr-spec → 400 (§3.1.2.14)', () => {
  const e = rejected('badaspec', 400, 'badaspec.sdf0234n2nds0a099u23h3hnnw009cdkne3');
  assert.equal(e.partial?.from?.displayName, 'Bell, Alexander');
  assert.equal(e.partial?.to, undefined);
});

test('baddn: non-token characters in an unquoted display name → 400 (§3.1.2.15)', () => {
  const e = rejected('baddn', 400, 'baddn.31415@c.example.com');
  assert.equal(e.partial?.from, undefined);
  assert.equal(e.partial?.to, undefined);
});

test('badvers: unknown protocol version → 505 (§3.1.2.16)', () => {
  const e = rejected('badvers', 505, 'badvers.31417@c.example.com');
  assert.equal(e.partial?.method, 'OPTIONS');
  assert.equal(e.partial?.from?.displayName, 'A. Bell');
  assert.deepEqual(e.partial?.cseq, { seq: 1, method: 'OPTIONS' });
});

test('mismatch01: CSeq method differs from the request method → 400 (§3.1.2.17)', () => {
  const e = rejected('mismatch01', 400, 'mismatch01.dj0234sxdfl3');
  assert.match(e.message, /CSeq method/);
});

test('mismatch02: unknown method with a CSeq method mismatch → 400 (§3.1.2.18)', () => {
  const e = rejected('mismatch02', 400, 'mismatch02.dj0234sxdfl3');
  assert.equal(e.partial?.method, 'NEWMETHOD');
});

test('bigcode: response code over 699 is dropped (§3.1.2.19)', () => {
  const e = parseError('bigcode');
  assert.equal(e.partial, null);
  assert.match(e.message, /status code/);
});

// ---------------------------------------------------------------------------------------------------
// RFC 4475 §3.2–§3.4: transaction and application semantics

test('badbranch: branch without the magic cookie still parses (§3.2.1)', () => {
  const m = req('badbranch');
  assert.equal(m.via[0]!.branch, 'z9hG4bK');
  assert.equal(requestValidation(m), null);
  roundTrip(m);
});

test('insuf: missing To, From and Call-ID → 400 (§3.3.1)', () => {
  const e = parseError('insuf');
  assert.equal(e.status, 400);
  assert.match(e.message, /missing/);
  assert.deepEqual(e.partial?.cseq, { seq: 193942, method: 'INVITE' });
  assert.equal(e.partial?.via?.[0]?.branch, 'z9hG4bKkdj.insuf');
  assert.equal(e.partial?.callId, undefined);
});

test('unkscm: unknown Request-URI scheme parses, validation gives 416 (§3.3.2)', () => {
  const m = req('unkscm');
  assert.deepEqual(m.uri, { scheme: 'nobodyKnowsThisScheme', value: 'totallyopaquecontent' });
  assert.deepEqual(requestValidation(m), { status: 416, reason: 'Unsupported URI Scheme', headers: [] });
  roundTrip(m);
});

test('novelsc: soap.beep Request-URI parses as OtherUri; Tandem never serves it: 416 (§3.3.3)', () => {
  const m = req('novelsc');
  assert.deepEqual(m.uri, { scheme: 'soap.beep', value: '//192.0.2.103:3002' });
  assert.equal(requestValidation(m)?.status, 416);
  roundTrip(m);
});

test('unksm2: unknown URI schemes in To, From and Contact are accepted (§3.3.4)', () => {
  const m = req('unksm2');
  assert.deepEqual(m.to.uri, { scheme: 'isbn', value: '2983792873' });
  assert.deepEqual(m.from.uri, { scheme: 'http', value: '//www.example.com' });
  assert.equal(m.from.params.get('tag'), '3234233');
  assert.deepEqual(parseNameAddr(m.headers.get('Contact')!).uri, { scheme: 'name', value: 'John_Smith' });
  assert.equal(requestValidation(m), null);
  roundTrip(m);
});

test('bext01: unknown Require / Proxy-Require options → 420 with Unsupported (§3.3.5)', () => {
  const m = req('bext01');
  assert.deepEqual(requestValidation(m), {
    status: 420, reason: 'Bad Extension', headers: [['Unsupported', 'nothingSupportsThis, nothingSupportsThisEither']],
  });
  assert.deepEqual(requestValidation(m, { forUs: false })?.headers, [
    ['Unsupported', 'nothingSupportsThis, nothingSupportsThisEither, noProxiesSupportThis, norDoAnyProxiesSupportThis'],
  ]);
  assert.equal(requestValidation(m, { supported: ['NothingSupportsThis', 'nothingsupportsthiseither'] }), null);
  roundTrip(m);
});

test('invut: unknown Content-Type → 415 with Accept (§3.3.6)', () => {
  const m = req('invut');
  assert.equal(m.body.length, 40);
  assert.deepEqual(requestValidation(m), {
    status: 415, reason: 'Unsupported Media Type', headers: [['Accept', 'application/sdp']],
  });
  assert.equal(requestValidation(m, { acceptedTypes: ['application/unknownformat'] }), null);
  roundTrip(m);
});

test('regaut01: unknown Authorization scheme parses; challenging is the registrar\'s job (§3.3.7)', () => {
  const m = req('regaut01');
  assert.equal(m.headers.get('Authorization'), 'NoOneKnowsThisScheme opaque-data=here');
  assert.equal(requestValidation(m), null);
  roundTrip(m);
});

test('multi01: several values in single-valued headers → 400 (§3.3.8)', () => {
  const e = parseError('multi01');
  assert.equal(e.status, 400);
  assert.match(e.message, /more than one/);
  assert.ok(e.partial?.via?.length === 1);
});

test('mcl01: several Content-Length values → 400 (§3.3.9)', () => {
  const e = rejected('mcl01', 400, 'mcl01.fhn2323orihawfdoa3o4r52o3irsdf');
  assert.equal(e.message, 'more than one Content-Length header field');
});

test('bcast: 200 OK with a broadcast Via sent-by parses; the transport must not send there (§3.3.10)', () => {
  const m = res('bcast');
  assert.equal(m.via.length, 2);
  assert.equal(m.via[1]!.host, '255.255.255.255');
  roundTrip(m);
});

test('zeromf: Max-Forwards 0 to the server itself is answered; 483 only when forwarding (§3.3.11)', () => {
  const m = req('zeromf');
  assert.equal(m.maxForwards, 0);
  assert.equal(requestValidation(m), null);
  assert.deepEqual(requestValidation(m, { forUs: false }), { status: 483, reason: 'Too Many Hops', headers: [] });
  roundTrip(m);
});

test('cparam01: a Contact parameter outside <> is a header parameter (§3.3.12)', () => {
  const m = req('cparam01');
  const c = parseNameAddr(m.headers.get('Contact')!);
  const u = sip(c.uri);
  assert.equal(u.user, '+19725552222');
  assert.equal(u.host, 'gw1.example.net');
  assert.equal(u.params.size, 0);
  assert.deepEqual([...c.params], [['unknownparam', null]]);
  assert.equal(requestValidation(m), null);
  roundTrip(m);
});

test('cparam02: a parameter inside <> is a URI parameter (§3.3.13)', () => {
  const m = req('cparam02');
  const c = parseNameAddr(m.headers.get('Contact')!);
  assert.deepEqual([...sip(c.uri).params], [['unknownparam', null]]);
  assert.equal(c.params.size, 0);
  roundTrip(m);
});

test('regescrt: escaped header in a Contact URI inside <> is accepted (§3.3.14)', () => {
  const m = req('regescrt');
  const c = parseNameAddr(m.headers.get('Contact')!);
  assert.deepEqual([...sip(c.uri).headers], [['Route', '%3Csip:sip.example.com%3E']]);
  assert.equal(requestValidation(m), null);
  roundTrip(m);
});

test('sdp01: Accept without application/sdp parses; 406 is the application\'s choice (§3.3.15)', () => {
  const m = req('sdp01');
  assert.equal(m.headers.get('Accept'), 'text/nobodyKnowsThis');
  assert.equal(requestValidation(m), null);
  roundTrip(m);
});

test('inv2543: RFC 2543 INVITE (no Max-Forwards, branch, tag or Content-Length) parses (§3.4.1)', () => {
  const m = req('inv2543');
  assert.equal(m.maxForwards, null);
  assert.equal(m.via[0]!.branch, null);
  assert.equal(m.via[0]!.host, 'iftgw.example.com');
  assert.equal(m.from.params.has('tag'), false);
  // To is an addr-spec: ";user=phone" after it is a header parameter (RFC 3261 §20.10); in From it is inside <>.
  assert.equal(m.to.params.get('user'), 'phone');
  assert.equal(sip(m.to.uri).params.size, 0);
  assert.equal(sip(m.from.uri).params.get('user'), 'phone');
  assert.equal(m.headers.has('Content-Length'), false);
  assert.equal(m.body.length, 105); // no Content-Length over a datagram: the body is the rest
  assert.equal(requestValidation(m), null);
  // The serializer always writes a Content-Length; everything else round-trips.
  const again = parseMessage(serializeMessage(m));
  assert.equal(again.headers.get('Content-Length'), '105');
  again.headers.delete('Content-Length');
  assert.deepStrictEqual(again, m);
});
