/**
 * Self-test of the baresip driver: two real SIP phones register (digest auth) to Kamailio as the
 * reference registrar, one calls the other, both see the call established, the caller (then, in the
 * second case, the callee) hangs up, both see it closed. Skipped when baresip or kamailio is missing,
 * a failure under CI=true. Bounded: every wait has a timeout and everything started is stopped.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { accountLine, netstring, parseNetstrings, startBaresip, toneWav, type Baresip } from './support/baresip.ts';
import { startKamailio, type Kamailio } from './support/kamailio.ts';
import { freeUdpPort } from './support/ports.ts';
import { requireTool } from './support/tools.ts';

describe('baresip driver helpers', () => {
  test('netstrings: framing by bytes, partial input kept', () => {
    assert.equal(netstring('{"a":"é"}'), '10:{"a":"é"},');
    const { messages, rest } = parseNetstrings('3:abc,10:{"a":"é"},5:ab');
    assert.deepEqual(messages, ['abc', '{"a":"é"}']);
    assert.equal(rest, '5:ab');
    assert.throws(() => parseNetstrings('3:abcd'), /trailing comma/);
  });

  test('account line: baresip 1.0 syntax', () => {
    assert.equal(
      accountLine({ user: 'alice', domain: 'tandem.test', password: 's3cret', proxy: '127.0.0.1:5060', displayName: 'Alice A', autoAnswer: true }),
      '"Alice A" <sip:alice@tandem.test;transport=udp>;auth_pass=s3cret;outbound="sip:127.0.0.1:5060;transport=udp";regint=600;answermode=auto;audio_codecs=PCMU,PCMA;mwi=no',
    );
  });

  test('microphone WAV: RIFF header for 8 kHz mono 16-bit', () => {
    const w = toneWav(8000, 0.5, 440);
    assert.equal(w.toString('ascii', 0, 4), 'RIFF');
    assert.equal(w.readUInt32LE(24), 8000);
    assert.equal(w.readUInt16LE(22), 1);
    assert.equal(w.readUInt32LE(40), 8000); // 4000 samples × 2 bytes
    assert.equal(w.length, 44 + 8000);
  });
});

const skip = requireTool('baresip', 'kamailio');
const DOMAIN = 'tandem.test';
const PASSWORD = 'test-secret';

describe('two baresip phones through Kamailio', { skip, timeout: 60_000 }, () => {
  let kam: Kamailio;
  const phones: Baresip[] = [];

  before(async () => {
    kam = await startKamailio({ uasPort: await freeUdpPort(), domain: DOMAIN, password: PASSWORD });
  });
  after(async () => {
    for (const p of phones) await p.stop();
    await kam?.stop();
  });

  const phone = async (user: string, extra: { displayName?: string; autoAnswer?: boolean } = {}): Promise<Baresip> => {
    const p = await startBaresip({ user, domain: DOMAIN, password: PASSWORD, proxy: kam.target, maxLifeS: 40, ...extra });
    phones.push(p);
    return p;
  };

  test('alice calls bob (auto-answer): established on both sides, alice hangs up, closed on both', async () => {
    const alice = await phone('alice', { displayName: 'Alice A' });
    const bob = await phone('bob', { autoAnswer: true });
    assert.equal((await alice.waitForEvent('REGISTER_OK')).accountaor, 'sip:alice@tandem.test');
    assert.equal((await bob.waitForEvent('REGISTER_OK')).accountaor, 'sip:bob@tandem.test');

    const dialed = await alice.dial('sip:bob@tandem.test');
    assert.ok(dialed.ok, dialed.data);
    const inB = await bob.waitForEvent('CALL_ESTABLISHED');
    const outA = await alice.waitForEvent('CALL_ESTABLISHED');
    assert.equal(inB.raw.direction, 'incoming');
    assert.equal(inB.peeruri, 'sip:alice@tandem.test');
    assert.equal(inB.raw.peerdisplayname, 'Alice A');
    assert.equal(outA.raw.direction, 'outgoing');
    assert.equal(outA.raw.id, inB.raw.id); // the same Call-ID on both legs: one dialog through a proxy

    assert.ok((await alice.hangup()).ok);
    assert.equal((await alice.waitForEvent('CALL_CLOSED')).raw.id, outA.raw.id);
    const closedB = await bob.waitForEvent('CALL_CLOSED');
    assert.equal(closedB.raw.id, inB.raw.id);
  });

  test('carol calls dave, who answers by hand and hangs up', async () => {
    const carol = await phone('carol');
    const dave = await phone('dave');
    await carol.waitForEvent('REGISTER_OK');
    await dave.waitForEvent('REGISTER_OK');

    assert.ok((await carol.dial('sip:dave@tandem.test')).ok);
    const incoming = await dave.waitForEvent('CALL_INCOMING');
    assert.equal(incoming.peeruri, 'sip:carol@tandem.test');
    await carol.waitForEvent('CALL_RINGING');
    assert.ok((await dave.answer()).ok);
    await dave.waitForEvent('CALL_ESTABLISHED');
    await carol.waitForEvent('CALL_ESTABLISHED');

    assert.ok((await dave.hangup()).ok);
    await dave.waitForEvent('CALL_CLOSED');
    await carol.waitForEvent('CALL_CLOSED');
  });
});
