/**
 * Requests inside an established call, through Tandem's B2BUA between two registered SIPp phones
 * (README "in-dialog requests relayed"; b2bua.ts `inDialog`): re-INVITE (RFC 3261 §14), UPDATE
 * (RFC 3311) and INFO (RFC 6086) from the caller reach the callee in the callee's dialog, with the SDP
 * or INFO body byte for byte as sent, and the callee's answers come back with its SDP unchanged; a
 * re-INVITE the callee refuses (488) is refused to the caller and the call carries on (§14.1); a
 * re-INVITE from the callee reaches the caller; BYE ends the call on both legs.
 *
 * Bodies are compared from the SIPp message traces: what one peer sent against what the other
 * received. Each SDP carries an a=x-tandem-test line naming it, so no two bodies are alike.
 *
 * Two more need control SIPp does not give (withholding an ACK, an ACK with a body), so both phones are
 * scripted UDP sockets (support/ua.ts): Tandem retransmits its 2xx to an INVITE and to a relayed
 * re-INVITE until the ACK (RFC 3261 §13.3.1.4), and a re-INVITE without SDP gets the callee's offer to
 * the caller and the caller's answer, in its ACK, to the callee (RFC 3264 §4). The same scripted phones
 * show glare handled as RFC 3261 §14.2 says: 491 to a re-INVITE that crosses one Tandem relayed the
 * other way, 500 with Retry-After to a re-INVITE overtaking the peer's own unanswered one; session
 * timers (RFC 4028) negotiated end to end, without 100rel offered to the callee, and a callee's 422
 * reaching the caller with its Min-SE; a callee's 488 reaching the caller as 488 where the call ends.
 * A scripted carrier shows its challenge (401, 407) to a request inside the call answered with the trunk's
 * credentials, on a call out to it and on a call in from it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { digestHa1, makeNonce, parseDigestAuthorization, verifyDigest } from '../../src/domain/digest.ts';
import { makeAccount } from '../support/harness.ts';
import { callBetweenNewPhones, Started } from './support/phones.ts';
import { parseMessageTrace, type SippResult, type TracedMessage } from './support/sipp.ts';
import { openClient, type SipClient, type SipMsg } from './support/client.ts';
import { sleep } from './support/ports.ts';
import { makePhone, startSipServer, type SipTestServer } from './support/tandem.ts';
import { requireTool } from './support/tools.ts';
import { ScriptedUa, sdp, type UacDialog } from './support/ua.ts';

const skip = requireTool('sipp');

/** The messages of a run in one direction whose first line matches, in order. */
function msgs(r: SippResult, direction: 'sent' | 'received', firstLine: RegExp): TracedMessage[] {
  return parseMessageTrace(r.messageLog).filter((m) => m.direction === direction && firstLine.test(m.firstLine));
}
/** The one message of a run in one direction with this CSeq (e.g. "3 INVITE") that is a request (or a response with `status`). */
function one(r: SippResult, direction: 'sent' | 'received', cseq: string, status?: number): TracedMessage {
  const all = parseMessageTrace(r.messageLog).filter((m) => m.direction === direction && m.header('CSeq') === cseq
    && (status === undefined ? !m.firstLine.startsWith('SIP/2.0') : m.firstLine.startsWith(`SIP/2.0 ${status} `)));
  // Retransmissions (UDP) are identical: keep the first.
  assert.ok(all.length >= 1, `no ${direction} ${status ?? 'request'} with CSeq ${cseq}; saw ${parseMessageTrace(r.messageLog).map((m) => `${m.direction} ${m.firstLine} [${m.header('CSeq')}]`).join('; ')}`);
  return all[0]!;
}
const tagOf = (v: string | undefined): string | undefined => /;\s*tag=([^;>\s]+)/.exec(v ?? '')?.[1];
const marker = (body: string): string | undefined => /a=x-tandem-test:(\S+)/.exec(body)?.[1];

describe('in-dialog requests relayed by the B2BUA (SIPp caller and callee)', { skip, timeout: 180_000 }, () => {
  let s: SipTestServer;
  before(async () => {
    s = await startSipServer();
  });
  after(async () => {
    await s?.close();
  });

  test('caller → callee: re-INVITE, UPDATE and INFO reach the callee with their bodies unchanged, the answers come back; a refused re-INVITE keeps the call; BYE ends it', { timeout: 45_000 }, async () => {
    const started = new Started();
    try {
      const t = await makeAccount(s.h);
      const { b, uas, caller, callee } = await callBetweenNewPhones(s, started, t, { caller: 'uac-midcall', callee: 'uas-midcall', callerTimeoutS: 25, calleeTimeoutS: 30 });

      // What each side saw, in order (100 Trying and retransmissions aside).
      assert.deepEqual(msgs(callee, 'received', /^[A-Z]+ /).map((m) => `${m.firstLine.split(' ')[0]} ${m.header('CSeq')}`), [
        'INVITE 1 INVITE', 'ACK 1 ACK', 'INVITE 2 INVITE', 'ACK 2 ACK', 'UPDATE 3 UPDATE', 'INFO 4 INFO', 'INVITE 5 INVITE', 'ACK 5 ACK', 'BYE 6 BYE',
      ]);
      assert.deepEqual([...new Set(msgs(caller, 'received', /^SIP\/2\.0 [2-6]/).map((m) => `${m.firstLine} ${m.header('CSeq')}`))], [
        'SIP/2.0 401 Unauthorized 1 INVITE', 'SIP/2.0 200 OK 2 INVITE', 'SIP/2.0 200 OK 3 INVITE', 'SIP/2.0 200 OK 4 UPDATE',
        'SIP/2.0 200 OK 5 INFO', 'SIP/2.0 488 Not Acceptable Here 6 INVITE', 'SIP/2.0 200 OK 7 BYE',
      ]);

      // The callee's dialog (§12.2.1.1): every relayed request carries the tags of the first INVITE and
      // its 200 and goes to the callee's current remote target: the Contact of its 200, then of its 2xx to
      // the re-INVITE, then of its 2xx to the UPDATE (target refreshes, §12.2.1.2, RFC 3311 §5.1);
      // re-INVITE and UPDATE name Tandem's Contact.
      const first = one(callee, 'received', '1 INVITE');
      const answered = one(callee, 'sent', '1 INVITE', 200);
      const calleeContact = /<([^>]+)>/.exec(answered.header('Contact') ?? '')?.[1];
      assert.equal(calleeContact, `sip:${b.username}@127.0.0.1:${uas.port};transport=UDP`);
      const moved = (user: string) => `sip:${user}@127.0.0.1:${uas.port};transport=UDP`;
      const target: Record<string, string> = {
        '2 INVITE': calleeContact!, '3 UPDATE': moved(`${b.username}-reinvited`),
        '4 INFO': moved(`${b.username}-updated`), '5 INVITE': moved(`${b.username}-updated`), '6 BYE': moved(`${b.username}-updated`),
      };
      const tandem = `<sip:tandem@127.0.0.1:${s.udpPort}>`;
      for (const cseq of ['2 INVITE', '3 UPDATE', '4 INFO', '5 INVITE', '6 BYE']) {
        const m = one(callee, 'received', cseq);
        assert.equal(m.firstLine, `${cseq.split(' ')[1]} ${target[cseq]} SIP/2.0`, cseq);
        assert.equal(m.header('Call-ID'), first.header('Call-ID'), cseq);
        assert.equal(tagOf(m.header('From')), tagOf(first.header('From')), cseq);
        assert.equal(tagOf(m.header('To')), tagOf(answered.header('To')), cseq);
        if (cseq.endsWith('INVITE') || cseq.endsWith('UPDATE')) assert.equal(m.header('Contact'), tandem, cseq);
      }

      // Bodies pass through unchanged, both ways.
      const pairs: [string, TracedMessage, TracedMessage][] = [
        ['initial-offer', one(caller, 'sent', '2 INVITE'), first],
        ['initial-answer', answered, one(caller, 'received', '2 INVITE', 200)],
        ['reinvite-offer', one(caller, 'sent', '3 INVITE'), one(callee, 'received', '2 INVITE')],
        ['reinvite-answer', one(callee, 'sent', '2 INVITE', 200), one(caller, 'received', '3 INVITE', 200)],
        ['update-offer', one(caller, 'sent', '4 UPDATE'), one(callee, 'received', '3 UPDATE')],
        ['update-answer', one(callee, 'sent', '3 UPDATE', 200), one(caller, 'received', '4 UPDATE', 200)],
        ['refused-offer', one(caller, 'sent', '6 INVITE'), one(callee, 'received', '5 INVITE')],
      ];
      for (const [name, sent, got] of pairs) {
        assert.equal(marker(sent.body), name, `${name}: the sender's body`);
        assert.equal(got.body, sent.body, `${name}: received body = sent body`);
        assert.equal(got.header('Content-Type'), 'application/sdp', name);
        assert.equal(got.header('Content-Length'), sent.header('Content-Length'), name);
      }
      const info = one(callee, 'received', '4 INFO');
      assert.equal(info.header('Content-Type'), 'application/dtmf-relay');
      assert.equal(info.body, one(caller, 'sent', '5 INFO').body);
      assert.equal(info.body, 'Signal=5\r\nDuration=160\r\n');

      // RFC 3261 §20 Table 2 / §13.3.1.4: a 2xx to an INVITE (a re-INVITE too) carries a Contact; so does the
      // 2xx of UPDATE, the other target refresh (RFC 3311 §5.2). Tandem's, as in its 200 to the first INVITE.
      assert.equal(one(caller, 'received', '2 INVITE', 200).header('Contact'), tandem);
      assert.equal(one(caller, 'received', '3 INVITE', 200).header('Contact'), tandem);
      assert.equal(one(caller, 'received', '4 UPDATE', 200).header('Contact'), tandem);

      assert.equal(s.sip.location.bindings(b.deviceId).length, 1);
      await s.sip.records.flush();
      const rows = await s.h.db.owner((sql) => sql.query<{ result: string }>('SELECT result FROM call_records WHERE account_id = $1', [t.accountId]));
      assert.deepEqual(rows.map((r) => r.result), ['answered']);
    } finally {
      await started.stopAll();
    }
  });

  test('callee → caller: the callee\'s re-INVITE reaches the caller with its SDP unchanged, the caller\'s answer comes back; the callee\'s BYE ends the call', { timeout: 45_000 }, async () => {
    const started = new Started();
    try {
      const t = await makeAccount(s.h);
      const { a, caller, callee } = await callBetweenNewPhones(s, started, t, { caller: 'uac-call-remote-reinvite', callee: 'uas-answer-reinvite', callerTimeoutS: 25, calleeTimeoutS: 30 });

      // The caller's dialog as Tandem (its UAS side) holds it: requests to the caller's Contact, our tag
      // in From, the caller's in To, Tandem's own CSeq space starting at 1 (§12.2.1.1).
      const callerInvite = one(caller, 'sent', '2 INVITE');
      const ok = one(caller, 'received', '2 INVITE', 200);
      const reinvite = one(caller, 'received', '1 INVITE');
      assert.equal(reinvite.firstLine, `INVITE sip:${a.username}@127.0.0.1:${/:(\d+)>/.exec(callerInvite.header('Contact') ?? '')?.[1]} SIP/2.0`);
      assert.equal(reinvite.header('Call-ID'), callerInvite.header('Call-ID'));
      assert.equal(tagOf(reinvite.header('From')), tagOf(ok.header('To')));
      assert.equal(tagOf(reinvite.header('To')), tagOf(callerInvite.header('From')));
      assert.equal(reinvite.header('Contact'), `<sip:tandem@127.0.0.1:${s.udpPort}>`);
      const bye = one(caller, 'received', '2 BYE');
      assert.equal(tagOf(bye.header('From')), tagOf(ok.header('To')));

      const offerSent = one(callee, 'sent', '101 INVITE');
      assert.equal(marker(offerSent.body), 'callee-reinvite-offer');
      assert.equal(reinvite.body, offerSent.body);
      assert.equal(reinvite.header('Content-Type'), 'application/sdp');
      const answerSent = one(caller, 'sent', '1 INVITE', 200);
      const answerGot = one(callee, 'received', '101 INVITE', 200);
      assert.equal(marker(answerSent.body), 'caller-reinvite-answer');
      assert.equal(answerGot.body, answerSent.body);
      assert.equal(answerGot.header('Contact'), `<sip:tandem@127.0.0.1:${s.udpPort}>`);
      assert.equal(one(callee, 'received', '102 BYE', 200).firstLine, 'SIP/2.0 200 OK');

      await s.sip.records.flush();
      const rows = await s.h.db.owner((sql) => sql.query<{ result: string }>('SELECT result FROM call_records WHERE account_id = $1', [t.accountId]));
      assert.deepEqual(rows.map((r) => r.result), ['answered']);
    } finally {
      await started.stopAll();
    }
  });
  test('UDP: Tandem retransmits its 2xx to an INVITE and to a relayed re-INVITE until the ACK, then stops (RFC 3261 §13.3.1.4)', { timeout: 45_000 }, async () => {
    const clients: SipClient[] = [];
    try {
      const t = await makeAccount(s.h);
      const a = await makePhone(s.h, t);
      const b = await makePhone(s.h, t);
      const ca = await openClient('UDP', { host: '127.0.0.1', port: s.udpPort });
      const cb = await openClient('UDP', { host: '127.0.0.1', port: s.udpPort });
      clients.push(ca, cb);
      const caller = new ScriptedUa(ca, a);
      const callee = new ScriptedUa(cb, b);
      assert.equal((await callee.register()).final.status, 200);

      // The callee answers every INVITE it gets with 200 and SDP, and its ACKs are counted.
      let answered = 0;
      const answerNext = async (marker: string): Promise<SipMsg> => {
        const inv = await cb.next((m) => m.method === 'INVITE', 10_000);
        callee.reply(inv, 200, 'OK', { toTag: 'callee1', headers: [`Contact: ${callee.contact}`], body: sdp('127.0.0.1', 42000, marker) });
        answered++;
        return inv;
      };
      /** How many copies of the 2xx with this CSeq the caller has received. */
      const copies = (cseq: string) => ca.received.filter((m) => m.status === 200 && m.header('CSeq') === cseq).length;

      // 1. The first INVITE: its 200 comes again and again while the caller does not ACK (T1 = 500 ms, doubling).
      const inviting = caller.request('INVITE', `sip:${b.extension}@${t.domain}`, { body: sdp('127.0.0.1', 41000, 'offer') });
      await answerNext('answer');
      const inv = await inviting;
      assert.equal(inv.final.status, 200);
      const cseq = inv.final.header('CSeq')!;
      await sleep(2200); // retransmissions due at ~0.5 s and ~1.5 s (the next at ~3.5 s)
      assert.ok(copies(cseq) >= 2, `the 200 to the INVITE was retransmitted before the ACK: ${copies(cseq)} cop(y/ies)`);
      assert.equal(cb.received.filter((m) => m.method === 'ACK').length, 0, 'the callee is ACKed only once the caller ACKs');
      const d = caller.ack(inv);
      await cb.next((m) => m.method === 'ACK', 5000);
      await sleep(200);
      const afterAck = copies(cseq);
      await sleep(2500);
      assert.equal(copies(cseq), afterAck, 'no retransmission after the ACK');

      // 2. A re-INVITE relayed to the callee: Tandem's 200 to the caller likewise, until the caller's ACK.
      d.cseq += 1;
      const reCseq = `${d.cseq} INVITE`;
      const branch = 'z9hG4bKreinvite2xx';
      ca.send(caller.inDialogText(d, 'INVITE', d.cseq, sdp('127.0.0.1', 41000, 'reoffer', 2), [], branch));
      await answerNext('reanswer');
      await ca.next((m) => m.status === 200 && m.header('CSeq') === reCseq, 5000);
      await sleep(2200);
      assert.ok(copies(reCseq) >= 2, `the 200 to the re-INVITE was retransmitted before the ACK: ${copies(reCseq)} cop(y/ies)`);
      for (const m of ca.received.filter((x) => x.status === 200 && x.header('CSeq') === reCseq)) {
        assert.equal(m.header('Contact'), `<sip:tandem@127.0.0.1:${s.udpPort}>`);
        assert.match(m.body.toString('latin1'), /a=x-tandem-test:reanswer/);
      }
      ca.send(caller.inDialogText(d, 'ACK', d.cseq));
      await sleep(200);
      const afterReAck = copies(reCseq);
      await sleep(2500);
      assert.equal(copies(reCseq), afterReAck, 'no retransmission after the ACK of the re-INVITE');

      const bye = await caller.inDialog(d, 'BYE');
      assert.equal(bye.status, 200);
      const byeAtCallee = await cb.next((m) => m.method === 'BYE', 5000);
      callee.reply(byeAtCallee, 200, 'OK');
      assert.equal(answered, 2);
    } finally {
      for (const c of clients) await c.close();
    }
  });
  /** The caller hangs up (RFC 3261 §15.1.1): the callee answers the BYE Tandem relays, and the caller's BYE gets 200. */
  async function callerHangsUp(caller: ScriptedUa, d: UacDialog, callee: ScriptedUa, cb: SipClient): Promise<void> {
    const bye = caller.inDialog(d, 'BYE');
    callee.reply(await cb.next((m) => m.method === 'BYE', 5000), 200, 'OK');
    assert.equal((await bye).status, 200);
  }

  /**
   * Two scripted phones of a new account on UDP (their sockets added to `clients`; the callee's number
   * with `calleeFeatures`), the callee registered.
   */
  async function scriptedPhones(clients: SipClient[], calleeFeatures?: Record<string, unknown>) {
    const t = await makeAccount(s.h);
    const a = await makePhone(s.h, t);
    const b = await makePhone(s.h, t, calleeFeatures ? { features: calleeFeatures } : {});
    const ca = await openClient('UDP', { host: '127.0.0.1', port: s.udpPort });
    const cb = await openClient('UDP', { host: '127.0.0.1', port: s.udpPort });
    clients.push(ca, cb);
    const caller = new ScriptedUa(ca, a);
    const callee = new ScriptedUa(cb, b);
    assert.equal((await callee.register()).final.status, 200);
    return { t, b, ca, cb, caller, callee };
  }

  /** scriptedPhones, and a call from one to the other answered with To tag `toTag` and ACKed. */
  async function answeredScriptedCall(clients: SipClient[], toTag: string) {
    const { t, b, ca, cb, caller, callee } = await scriptedPhones(clients);
    const inviting = caller.request('INVITE', `sip:${b.extension}@${t.domain}`, { body: sdp('127.0.0.1', 41000, 'offer') });
    const first = await cb.next((m) => m.method === 'INVITE', 10_000);
    callee.reply(first, 200, 'OK', { toTag, headers: [`Contact: ${callee.contact}`], body: sdp('127.0.0.1', 42000, 'answer') });
    const d = caller.ack(await inviting);
    await cb.next((m) => m.method === 'ACK', 5000);
    return { ca, cb, caller, callee, first, d };
  }

  test('a re-INVITE without SDP (RFC 3261 §14.1, RFC 3264): the callee\'s offer in its 2xx reaches the caller, and the caller\'s answer reaches the callee in the ACK', { timeout: 30_000 }, async () => {
    const clients: SipClient[] = [];
    try {
      const { ca, cb, caller, callee, d } = await answeredScriptedCall(clients, 'callee2');

      // The offerless re-INVITE.
      d.cseq += 1;
      ca.send(caller.inDialogText(d, 'INVITE', d.cseq, undefined, [], 'z9hG4bKlateoffer1'));
      const reinvite = await cb.next((m) => m.method === 'INVITE', 5000);
      assert.equal(reinvite.body.length, 0);
      assert.equal(reinvite.header('Content-Type'), undefined);
      const offer = sdp('127.0.0.1', 42000, 'late-offer', 2);
      callee.reply(reinvite, 200, 'OK', { headers: [`Contact: ${callee.contact}`], body: offer });
      const ok = await ca.next((m) => m.status === 200 && m.header('CSeq') === `${d.cseq} INVITE`, 5000);
      assert.equal(ok.body.toString('latin1'), offer, 'the callee\'s offer reached the caller unchanged');
      await sleep(400);
      assert.equal(cb.received.filter((m) => m.method === 'ACK').length, 1, 'the callee\'s 2xx is not ACKed before the caller answers');
      const answer = sdp('127.0.0.1', 41000, 'late-answer', 2);
      ca.send(caller.inDialogText(d, 'ACK', d.cseq, answer));
      const ack = await cb.next((m) => m.method === 'ACK', 5000);
      assert.equal(ack.header('CSeq'), `${/^(\d+)/.exec(reinvite.header('CSeq')!)![1]} ACK`);
      assert.equal(ack.header('Content-Type'), 'application/sdp');
      assert.equal(ack.body.toString('latin1'), answer, 'the caller\'s answer reached the callee in the ACK, unchanged');

      await callerHangsUp(caller, d, callee, cb);
      await sleep(300);
      assert.equal(cb.received.filter((m) => m.method === 'ACK').length, 2, 'one ACK per 2xx');
    } finally {
      for (const c of clients) await c.close();
    }
  });

  test('glare (RFC 3261 §14.2): a re-INVITE from the callee while the caller\'s is still being answered gets 491; a second re-INVITE from the caller before the first is answered gets 500 with Retry-After; the first then completes', { timeout: 30_000 }, async () => {
    const clients: SipClient[] = [];
    try {
      const { ca, cb, caller, callee, first, d } = await answeredScriptedCall(clients, 'calleeg');
      // the callee's side of its dialog with Tandem, for requests of its own (§12.2.1.1)
      const dB = { callId: first.header('Call-ID')!, fromTag: 'calleeg', toTag: /;\s*tag=([^;>\s]+)/.exec(first.header('From')!)![1]!, target: /<([^>]+)>/.exec(first.header('Contact')!)![1]!, to: first.header('From')!, cseq: 100 };

      // the caller's re-INVITE reaches the callee, who does not answer yet …
      d.cseq += 1;
      ca.send(caller.inDialogText(d, 'INVITE', d.cseq, sdp('127.0.0.1', 41000, 'caller-change', 2), [], 'z9hG4bKglareA1'));
      const relayed = await cb.next((m) => m.method === 'INVITE' && m.header('CSeq') !== first.header('CSeq'), 5000);
      // … and sends one of its own: Tandem has an offer of its own pending in that dialog, so 491
      const mine = await callee.inDialog(dB, 'INVITE', { body: sdp('127.0.0.1', 42000, 'callee-change', 2) });
      assert.equal(mine.status, 491);
      assert.match(mine.header('Reason') ?? '', /cause=491/);
      // the caller's second re-INVITE before the first is answered: 500 with Retry-After (§14.2)
      d.cseq += 1;
      ca.send(caller.inDialogText(d, 'INVITE', d.cseq, sdp('127.0.0.1', 41000, 'caller-again', 3), [], 'z9hG4bKglareA2'));
      const again = await ca.next((m) => m.status === 500 && m.header('CSeq') === `${d.cseq} INVITE`, 5000);
      assert.match(again.header('Retry-After') ?? '', /^\d+$/);
      assert.ok(!cb.received.some((m) => m.method === 'INVITE' && m.body.toString('latin1').includes('caller-again')), 'the refused re-INVITE was not relayed');
      // the first completes: the callee answers, the caller gets its 200 and ACKs
      callee.reply(relayed, 200, 'OK', { headers: [`Contact: ${callee.contact}`], body: sdp('127.0.0.1', 42000, 'callee-answer', 2) });
      const ok = await ca.next((m) => m.status === 200 && m.header('CSeq') === `${d.cseq - 1} INVITE`, 5000);
      assert.match(ok.body.toString('latin1'), /callee-answer/);
      ca.send(caller.inDialogText(d, 'ACK', d.cseq - 1));
      // now the callee's own re-INVITE goes through to the caller
      const retry = callee.inDialog(dB, 'INVITE', { body: sdp('127.0.0.1', 42000, 'callee-retry', 3) });
      const atCaller = await ca.next((m) => m.method === 'INVITE' && m.body.toString('latin1').includes('callee-retry'), 5000);
      caller.reply(atCaller, 200, 'OK', { headers: [`Contact: ${caller.contact}`], body: sdp('127.0.0.1', 41000, 'caller-answer', 3) });
      assert.equal((await retry).status, 200);
      await callerHangsUp(caller, d, callee, cb);
    } finally {
      for (const c of clients) await c.close();
    }
  });

  test('session timers (RFC 4028) end to end, and no 100rel (RFC 3262) offered to the callee: its Session-Expires and Require: timer reach the caller in the 2xx, of the call and of a refresh', { timeout: 30_000 }, async () => {
    const clients: SipClient[] = [];
    try {
      const { t, b, cb, caller, callee } = await scriptedPhones(clients);
      const inviting = caller.request('INVITE', `sip:${b.extension}@${t.domain}`, {
        body: sdp('127.0.0.1', 41000, 'offer'), headers: ['Supported: 100rel, timer, replaces', 'Session-Expires: 1800', 'Min-SE: 90'],
      });
      const first = await cb.next((m) => m.method === 'INVITE', 10_000);
      assert.equal(first.header('Supported'), 'timer', 'only what Tandem relays: no 100rel (it sends no PRACK), no replaces');
      assert.equal(first.header('Session-Expires'), '1800');
      assert.equal(first.header('Min-SE'), '90');
      const timer = ['Session-Expires: 1800;refresher=uac', 'Require: timer'];
      callee.reply(first, 200, 'OK', { toTag: 'calleest', headers: [`Contact: ${callee.contact}`, ...timer], body: sdp('127.0.0.1', 42000, 'answer') });
      const answered = await inviting;
      assert.equal(answered.final.status, 200);
      assert.equal(answered.final.header('Session-Expires'), '1800;refresher=uac', 'the caller learns it is the refresher');
      assert.equal(answered.final.header('Require'), 'timer');
      const d = caller.ack(answered);
      await cb.next((m) => m.method === 'ACK', 5000);

      // the caller refreshes with an UPDATE; the callee's answer carries the timer back
      const refreshing = caller.inDialog(d, 'UPDATE', { headers: ['Supported: timer', 'Session-Expires: 1800;refresher=uac'] });
      const update = await cb.next((m) => m.method === 'UPDATE', 5000);
      assert.equal(update.header('Supported'), 'timer');
      assert.equal(update.header('Session-Expires'), '1800;refresher=uac');
      callee.reply(update, 200, 'OK', { headers: [`Contact: ${callee.contact}`, ...timer] });
      const refreshed = await refreshing;
      assert.equal(refreshed.status, 200);
      assert.equal(refreshed.header('Session-Expires'), '1800;refresher=uac');
      assert.equal(refreshed.header('Require'), 'timer');

      await callerHangsUp(caller, d, callee, cb);
    } finally {
      for (const c of clients) await c.close();
    }
  });

  test('a callee that accepts none of the offered media (488) — the call ends there (no voicemail, no forward): the caller gets 488 with why, not 480', { timeout: 30_000 }, async () => {
    const clients: SipClient[] = [];
    try {
      const { t, b, cb, caller, callee } = await scriptedPhones(clients, { voicemail: false });
      const inviting = caller.request('INVITE', `sip:${b.extension}@${t.domain}`, { body: sdp('127.0.0.1', 41000, 'offer') });
      const invite = await cb.next((m) => m.method === 'INVITE', 10_000);
      callee.reply(invite, 488, 'Not Acceptable Here', { toTag: 'callee488' });
      const { final } = await inviting;
      assert.equal(final.status, 488);
      assert.equal(final.header('Reason'), 'SIP;cause=488;text="The callee\'s phone accepts none of the offered media (codecs)"');
      await cb.next((m) => m.method === 'ACK', 5000); // Tandem ACKs the callee's 488 (§17.1.1.3)
    } finally {
      for (const c of clients) await c.close();
    }
  });

  test('a callee that wants a longer session interval (422, RFC 4028 §6): the caller gets the 422 with its Min-SE, and calling again with it is answered', { timeout: 30_000 }, async () => {
    const clients: SipClient[] = [];
    try {
      const { t, b, cb, caller, callee } = await scriptedPhones(clients);
      const short = caller.request('INVITE', `sip:${b.extension}@${t.domain}`, { body: sdp('127.0.0.1', 41000, 'offer'), headers: ['Supported: timer', 'Session-Expires: 90'] });
      const first = await cb.next((m) => m.method === 'INVITE', 10_000);
      assert.equal(first.header('Session-Expires'), '90');
      callee.reply(first, 422, 'Session Interval Too Small', { toTag: 'callee422', headers: ['Min-SE: 1800'] });
      const refused = (await short).final;
      assert.equal(refused.status, 422);
      assert.equal(refused.header('Min-SE'), '1800');
      assert.equal(refused.header('Reason'), 'SIP;cause=422;text="The callee needs a session interval of at least 1800 s"');

      const longer = caller.request('INVITE', `sip:${b.extension}@${t.domain}`, { body: sdp('127.0.0.1', 41000, 'offer', 2), headers: ['Supported: timer', 'Session-Expires: 1800', 'Min-SE: 1800'] });
      const second = await cb.next((m) => m.method === 'INVITE' && m.header('Session-Expires') === '1800', 10_000);
      callee.reply(second, 200, 'OK', { toTag: 'callee1800', headers: [`Contact: ${callee.contact}`, 'Session-Expires: 1800;refresher=uac', 'Require: timer'], body: sdp('127.0.0.1', 42000, 'answer') });
      const answered = await longer;
      assert.equal(answered.final.status, 200);
      const d = caller.ack(answered);
      await cb.next((m) => m.method === 'ACK' && m.header('Call-ID') === second.header('Call-ID'), 5000);
      await callerHangsUp(caller, d, callee, cb);
    } finally {
      for (const c of clients) await c.close();
    }
  });

  /** A carrier's side of digest authentication: its challenge header, and its check of an answered one (RFC 7616 §3.4). */
  function carrierDigest(creds: { username: string; password: string }) {
    const realm = 'carrier.example';
    const secret = Buffer.from('the carrier\'s nonce secret');
    const stored = { username: creds.username, realm, ha1: { MD5: digestHa1('MD5', creds.username, realm, creds.password), 'SHA-256': digestHa1('SHA-256', creds.username, realm, creds.password) } };
    return {
      challenge: (kind: 'WWW' | 'Proxy') => `${kind}-Authenticate: Digest realm="${realm}", qop="auth", algorithm=MD5, nonce="${makeNonce(secret, realm)}"`,
      verify: (m: SipMsg, header: string) => {
        const c = parseDigestAuthorization(m.header(header));
        assert.ok(c, `${m.method} carries ${header}`);
        return verifyDigest(c, { method: m.method!, uri: m.ruri! }, stored, { secret, scope: realm });
      },
    };
  }
  const cseqOf = (m: SipMsg): number => Number(/^(\d+)/.exec(m.header('CSeq')!)![1]);

  test('a carrier that challenges requests inside the call (RFC 3261 §22.2): its 401 to a relayed re-INVITE and its 407 to the BYE are answered with the trunk\'s credentials and a new CSeq; the caller sees no challenge', { timeout: 30_000 }, async () => {
    const clients: SipClient[] = [];
    let trunkId: string | null = null;
    try {
      const cc = await openClient('UDP', { host: '127.0.0.1', port: s.udpPort });
      clients.push(cc);
      const carrier = new ScriptedUa(cc, { username: 'carrier', password: '', domain: '127.0.0.1' });
      const creds = { username: 'tandem-out', password: 'carrier secret 7' };
      const trunk = await s.h.call('POST', '/v1/trunks', { token: s.h.operatorToken, body: { name: `Challenging carrier ${cc.local.port}`, host: '127.0.0.1', port: cc.local.port, priority: 1, ...creds } });
      assert.equal(trunk.status, 201, trunk.text);
      trunkId = trunk.body.id as string;
      const { challenge, verify } = carrierDigest(creds);

      // the caller dials a public number; the carrier answers
      const t = await makeAccount(s.h);
      const a = await makePhone(s.h, t);
      const ca = await openClient('UDP', { host: '127.0.0.1', port: s.udpPort });
      clients.push(ca);
      const caller = new ScriptedUa(ca, a);
      const inviting = caller.request('INVITE', `sip:+493012345678@${t.domain}`, { body: sdp('127.0.0.1', 41000, 'offer') });
      const first = await cc.next((m) => m.method === 'INVITE', 10_000);
      carrier.reply(first, 200, 'OK', { toTag: 'carrier1', headers: [`Contact: ${carrier.contact}`], body: sdp('127.0.0.1', 43000, 'answer') });
      const d = caller.ack(await inviting);
      await cc.next((m) => m.method === 'ACK', 5000);

      // the re-INVITE reaches the carrier, which challenges it: Tandem ACKs the 401 and sends it again, authenticated
      const reinviting = caller.inDialog(d, 'INVITE', { body: sdp('127.0.0.1', 41000, 'hold', 2) });
      const plain = await cc.next((m) => m.method === 'INVITE' && m.body.toString('latin1').includes('hold'), 5000);
      assert.equal(plain.header('Authorization'), undefined);
      carrier.reply(plain, 401, 'Unauthorized', { headers: [challenge('WWW')] });
      const authed = await cc.next((m) => m.method === 'INVITE' && m.header('Authorization') !== undefined, 5000);
      assert.equal(cseqOf(authed), cseqOf(plain) + 1, 'a new CSeq (§8.1.3.5)');
      assert.deepEqual(verify(authed, 'Authorization'), { ok: true, algorithm: 'MD5' });
      assert.equal(authed.body.toString('latin1'), plain.body.toString('latin1'), 'the same offer');
      assert.ok(cc.received.some((m) => m.method === 'ACK' && m.header('CSeq') === `${cseqOf(plain)} ACK`), 'the 401 was ACKed (§17.1.1.3)');
      carrier.reply(authed, 200, 'OK', { headers: [`Contact: ${carrier.contact}`], body: sdp('127.0.0.1', 43000, 'held', 2) });
      const ok = await reinviting;
      assert.equal(ok.status, 200);
      assert.ok(!ca.received.some((m) => (m.status === 401 || m.status === 407) && m.header('CSeq') === `${d.cseq} INVITE`), 'the caller saw no challenge to its re-INVITE');
      ca.send(caller.inDialogText(d, 'ACK', d.cseq));
      const ack = await cc.next((m) => m.method === 'ACK' && m.header('CSeq') === `${cseqOf(authed)} ACK`, 5000);
      assert.ok(ack);

      // the caller hangs up: the carrier challenges the BYE with a 407, and gets it again, authenticated
      const bye = caller.inDialog(d, 'BYE');
      assert.equal((await bye).status, 200);
      const plainBye = await cc.next((m) => m.method === 'BYE', 5000);
      carrier.reply(plainBye, 407, 'Proxy Authentication Required', { headers: [challenge('Proxy')] });
      const authedBye = await cc.next((m) => m.method === 'BYE' && m.header('Proxy-Authorization') !== undefined, 5000);
      assert.equal(cseqOf(authedBye), cseqOf(plainBye) + 1);
      assert.deepEqual(verify(authedBye, 'Proxy-Authorization'), { ok: true, algorithm: 'MD5' });
      carrier.reply(authedBye, 200, 'OK');
    } finally {
      for (const c of clients) await c.close();
      if (trunkId) await s.h.call('DELETE', `/v1/trunks/${trunkId}`, { token: s.h.operatorToken });
    }
  });

  test('a call in from a trusted carrier: when the callee hangs up, the carrier\'s 407 to Tandem\'s BYE is answered with that trunk\'s credentials', { timeout: 30_000 }, async () => {
    const clients: SipClient[] = [];
    let trunkId: string | null = null;
    try {
      const cc = await openClient('UDP', { host: '127.0.0.1', port: s.udpPort }, { localAddress: '127.0.0.5' });
      clients.push(cc);
      const creds = { username: 'tandem-in', password: 'carrier secret 8' };
      const trunk = await s.h.call('POST', '/v1/trunks', {
        token: s.h.operatorToken, body: { name: `Carrier in ${cc.local.port}`, host: '127.0.0.5', port: cc.local.port, priority: 2, inboundAddresses: ['127.0.0.5'], ...creds },
      });
      assert.equal(trunk.status, 201, trunk.text);
      trunkId = trunk.body.id as string;
      const { challenge, verify } = carrierDigest(creds);
      const t = await makeAccount(s.h);
      const b = await makePhone(s.h, t);
      const cb = await openClient('UDP', { host: '127.0.0.1', port: s.udpPort });
      clients.push(cb);
      const callee = new ScriptedUa(cb, b);
      assert.equal((await callee.register()).final.status, 200);

      // the carrier calls the callee's number (trusted: no challenge from Tandem); the callee answers
      const carrier = new ScriptedUa(cc, { username: '+4917011112222', password: '', domain: '127.0.0.5' });
      const inviting = carrier.request('INVITE', `sip:${b.e164}@127.0.0.1`, { body: sdp('127.0.0.5', 44000, 'carrier-offer') });
      const atCallee = await cb.next((m) => m.method === 'INVITE', 10_000);
      callee.reply(atCallee, 200, 'OK', { toTag: 'calleein', headers: [`Contact: ${callee.contact}`], body: sdp('127.0.0.1', 42000, 'callee-answer') });
      const answered = await inviting;
      assert.equal(answered.final.status, 200);
      assert.equal(answered.challenge, null, 'a trusted carrier is not challenged');
      carrier.ack(answered);
      await cb.next((m) => m.method === 'ACK', 5000);

      // the callee hangs up; Tandem's BYE to the carrier is challenged, and sent again, authenticated
      const dB = { callId: atCallee.header('Call-ID')!, fromTag: 'calleein', toTag: /;\s*tag=([^;>\s]+)/.exec(atCallee.header('From')!)![1]!, target: /<([^>]+)>/.exec(atCallee.header('Contact')!)![1]!, to: atCallee.header('From')!, cseq: 100 };
      assert.equal((await callee.inDialog(dB, 'BYE')).status, 200);
      const plainBye = await cc.next((m) => m.method === 'BYE', 5000);
      assert.equal(plainBye.header('Proxy-Authorization'), undefined);
      carrier.reply(plainBye, 407, 'Proxy Authentication Required', { headers: [challenge('Proxy')] });
      const authedBye = await cc.next((m) => m.method === 'BYE' && m.header('Proxy-Authorization') !== undefined, 5000);
      assert.equal(cseqOf(authedBye), cseqOf(plainBye) + 1, 'a new CSeq (§8.1.3.5)');
      assert.deepEqual(verify(authedBye, 'Proxy-Authorization'), { ok: true, algorithm: 'MD5' });
      carrier.reply(authedBye, 200, 'OK');
    } finally {
      for (const c of clients) await c.close();
      if (trunkId) await s.h.call('DELETE', `/v1/trunks/${trunkId}`, { token: s.h.operatorToken });
    }
  });
});
