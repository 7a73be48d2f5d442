/**
 * Inbound call plans (spec §4, §7, §9; issue 4): table-driven scenarios on an in-memory snapshot.
 * Each case asserts the exact plan (everything but the wording of the explanation) and the sequence
 * of rules the explanation lists; refusals assert the SIP status and the reason.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { FeatureState } from '../domain/features.ts';
import { MAX_FORWARD_HOPS, planInbound, type InboundInput } from './inbound.ts';
import type { AccountSnap, NumberSnap, UserSnap } from './snapshot.ts';
import { FEDERATED, LINKED, SnapshotBuilder } from './testkit.ts';
import type { CallerIdShown, CallPlan, Endpoint, Fallback, Party } from './types.ts';

const AT = new Date('2025-03-03T09:00:00Z');

// Acme (DE) — the callee's account.
const ACME_MAIN = '+4930100000';
const ADA = '+4930100201';
const BOB = '+4930100202';
/** Unassigned numbers of Acme, used as links of forwarding chains. */
const N3 = '+4930100203';
const N4 = '+4930100204';
const N5 = '+4930100205';
const N6 = '+4930100206';
const N7 = '+4930100207';
const RESERVED = '+4930100299';
const PORTAL = '+4930100250';
// Other accounts.
const LIN = '+4940100301'; // Linked Co (DE), linked with Acme
const PIA = '+43150100401'; // Partner AG (AT), federated with Acme
const SAM = '+4922100501'; // Stranger GmbH (DE), no federation with Acme
// The public network.
const MOBILE = '+4915112345678';
const PREMIUM = '+499001234567';
const PARIS = '+33123456789';
const VIENNA = '+43123456789';
const MUNICH = '+4989123456';

interface World {
  b: SnapshotBuilder;
  acme: AccountSnap;
  ada: UserSnap;
  bob: UserSnap;
  lin: UserSnap;
  pia: UserSnap;
  sam: UserSnap;
}

/** The same world for every case; `setup` changes it before the plan. */
function world(): World {
  const b = new SnapshotBuilder();
  const acme = b.account({ name: 'Acme', mainNumber: ACME_MAIN });
  const linked = b.account({ name: 'Linked Co', mainNumber: '+4940100000' });
  const partner = b.account({ name: 'Partner AG', country: 'AT', mainNumber: '+43150100000' });
  const stranger = b.account({ name: 'Stranger GmbH', mainNumber: '+4922100000' });
  b.federate([acme, linked], LINKED);
  b.federate([acme, partner], FEDERATED);
  const ada = b.user(acme, { firstName: 'Ada', lastName: 'Lovelace', extension: '201', number: ADA });
  const bob = b.user(acme, { firstName: 'Bob', lastName: 'Babbage', extension: '202', number: BOB });
  for (const n of [N3, N4, N5, N6, N7]) b.number(acme, n);
  b.number(acme, RESERVED, { status: 'reserved' });
  b.portal(acme, PORTAL, { name: 'Road warriors', extension: '250' });
  const lin = b.user(linked, { firstName: 'Lin', lastName: 'Link', extension: '301', number: LIN });
  const pia = b.user(partner, { firstName: 'Pia', lastName: 'Partner', extension: '401', number: PIA });
  const sam = b.user(stranger, { firstName: 'Sam', lastName: 'Stranger', extension: '501', number: SAM });
  return { b, acme, ada, bob, lin, pia, sam };
}

const num = (w: World, e164: string): NumberSnap => w.b.snap.numbers.get(e164)!;
const features = (w: World, e164: string, f: Partial<FeatureState>): void => void Object.assign(num(w, e164).features, f);
const handset = (w: World, e164: string): Endpoint => ({ kind: 'handset', ...num(w, e164).handset! });
const adaParty = (w: World): Party => ({ accountId: w.acme.id, office: 'Acme', userId: w.ada.id, name: 'Ada Lovelace', extension: '201', number: ADA });
const PUBLIC_CALLER: CallerIdShown = { anonymous: false, number: MUNICH, name: null, extension: null, office: null, source: 'public_network' };
const VM = (e164: string): Fallback => ({ action: 'voicemail', numberE164: e164 });
const FWD = (to: string, hops: number): Fallback => ({ action: 'forward', to, hops });
const BUSY: Fallback = { action: 'busy' };
const END: Fallback = { action: 'end' };

function plan(w: World, req: Partial<InboundInput> = {}): CallPlan {
  return planInbound(w.b.snap, { target: ADA, caller: { e164: MUNICH }, at: AT, ...req });
}

/** A plan that rings. */
const ringing = (w: World, o: { ring?: Endpoint[]; ringSeconds?: number; onBusy?: Fallback; onNoAnswer?: Fallback; target?: Party; callerId?: CallerIdShown }): Omit<Extract<CallPlan, { ok: true }>, 'explanation'> => ({
  ok: true, target: o.target ?? adaParty(w), ring: o.ring ?? [handset(w, ADA)], ringSeconds: o.ringSeconds ?? 18, immediate: null,
  onBusy: o.onBusy ?? { action: 'call_waiting' }, onNoAnswer: o.onNoAnswer ?? VM(ADA), onUnreachable: o.onNoAnswer ?? VM(ADA), callerId: o.callerId ?? PUBLIC_CALLER,
});
/** A plan that rings nothing and goes straight to `f`. */
const immediate = (w: World, f: Fallback, target?: Party): Omit<Extract<CallPlan, { ok: true }>, 'explanation'> => ({
  ok: true, target: target ?? adaParty(w), ring: [], ringSeconds: 0, immediate: f, onBusy: f, onNoAnswer: f, onUnreachable: f, callerId: PUBLIC_CALLER,
});

interface Case {
  name: string;
  setup?: (w: World) => void;
  req?: (w: World) => Partial<InboundInput>;
  /** The exact plan without its explanation, or the refusal's status and reason. */
  expect: (w: World) => Record<string, unknown>;
  /** The explanation's rules in order, `rule` when matched and `!rule` when not. */
  rules?: string[];
  /** A fragment the explanation must contain (the reason for a refused forward or a left-out phone). */
  says?: RegExp;
}

function run(cases: Case[]): void {
  for (const c of cases) {
    test(c.name, () => {
      const w = world();
      c.setup?.(w);
      const p = plan(w, c.req?.(w) ?? {});
      const { explanation, ...rest } = p;
      if (p.ok) assert.deepEqual(rest, c.expect(w));
      else assert.deepEqual({ ok: p.ok, sipStatus: p.sipStatus }, { ok: false, sipStatus: (c.expect(w) as { sipStatus: number }).sipStatus });
      const e = c.expect(w) as { reason?: RegExp };
      if (!p.ok && e.reason) assert.match(p.reason, e.reason);
      if (c.rules) assert.deepEqual(explanation.map((s) => (s.matched ? s.rule : `!${s.rule}`)), c.rules);
      if (c.says) assert.ok(explanation.some((s) => c.says!.test(s.why)), JSON.stringify(explanation, null, 1));
      for (const s of explanation) assert.ok(s.why.length > 10, `a sentence for ${s.rule}`);
    });
  }
}

describe('do not disturb (spec §4, §9: voicemail, else busy; nothing rings)', () => {
  run([
    {
      name: 'DND with voicemail on: straight to voicemail, nothing rings',
      setup: (w) => features(w, ADA, { doNotDisturb: true }),
      expect: (w) => immediate(w, VM(ADA)),
      rules: ['target', 'number_status', 'dnd', 'voicemail', 'caller_id'],
    },
    {
      name: 'DND with voicemail off: the caller hears busy',
      setup: (w) => features(w, ADA, { doNotDisturb: true, voicemail: false }),
      expect: (w) => immediate(w, BUSY),
      rules: ['target', 'number_status', 'dnd', 'busy', 'caller_id'],
    },
    {
      name: 'DND comes before forward always',
      setup: (w) => features(w, ADA, { doNotDisturb: true, forwardAlways: MOBILE }),
      expect: (w) => immediate(w, VM(ADA)),
    },
  ]);
});

describe('forward always (immediate; public targets pass the toll-fraud guard)', () => {
  run([
    {
      name: 'to an on-net number of the same account',
      setup: (w) => features(w, ADA, { forwardAlways: BOB }),
      expect: (w) => immediate(w, FWD(BOB, 1)),
      rules: ['target', 'number_status', '!dnd', 'forward_always', 'forward_chain', 'forward_chain', 'caller_id'],
    },
    {
      name: 'to a public mobile number',
      setup: (w) => features(w, ADA, { forwardAlways: MOBILE }),
      expect: (w) => immediate(w, FWD(MOBILE, 1)),
      rules: ['target', 'number_status', '!dnd', 'forward_always', 'forward_permission', 'caller_id'],
    },
    {
      name: 'to a premium number: refused, falls back to voicemail',
      setup: (w) => features(w, ADA, { forwardAlways: PREMIUM }),
      expect: (w) => immediate(w, VM(ADA)),
      rules: ['target', 'number_status', '!dnd', 'forward_always', '!forward_permission', 'voicemail', 'caller_id'],
      says: /\+499001234567 is a premium-rate number, blocked for Acme/,
    },
    {
      name: 'to a premium number with voicemail off: busy',
      setup: (w) => features(w, ADA, { forwardAlways: PREMIUM, voicemail: false }),
      expect: (w) => immediate(w, BUSY),
    },
    {
      name: 'to a premium number the account allows: forwarded',
      setup: (w) => { features(w, ADA, { forwardAlways: PREMIUM }); w.acme.premiumAllowed = true; },
      expect: (w) => immediate(w, FWD(PREMIUM, 1)),
    },
    {
      name: "to a country off the account's whitelist: refused",
      setup: (w) => { features(w, ADA, { forwardAlways: PARIS }); w.acme.intlWhitelist = ['AT']; },
      expect: (w) => immediate(w, VM(ADA)),
      says: /\+33123456789 is in FR, not on Acme's list of countries it may call/,
    },
    {
      name: "to a public number the user's call rule does not allow (internal only): refused",
      setup: (w) => { features(w, ADA, { forwardAlways: MOBILE }); w.b.callRule(w.acme, { name: 'Desk only', dialPlan: 'internal_only', countryWhitelist: [], prefixes: [] }, [w.ada]); },
      expect: (w) => immediate(w, VM(ADA)),
      says: /call rule "Desk only" \(internal only\) does not allow calls to DE/,
    },
    {
      name: 'to a federated account\'s number abroad: on-net, no whitelist applies',
      setup: (w) => { features(w, ADA, { forwardAlways: PIA }); w.acme.intlWhitelist = []; },
      expect: (w) => immediate(w, FWD(PIA, 1)),
      says: /on-net number of Partner AG/,
    },
    {
      name: 'to a Tandem number of an unfederated account: a public call, permission checked',
      setup: (w) => { features(w, ADA, { forwardAlways: SAM }); w.b.callRule(w.acme, { name: 'Desk only', dialPlan: 'internal_only', countryWhitelist: [], prefixes: [] }, [w.ada]); },
      expect: (w) => immediate(w, VM(ADA)),
      rules: ['target', 'number_status', '!dnd', 'forward_always', '!forward_permission', 'voicemail', 'caller_id'],
    },
    {
      name: 'to an emergency number (data written around the save-time rule): refused',
      setup: (w) => features(w, ADA, { forwardAlways: '112' }),
      expect: (w) => immediate(w, VM(ADA)),
      says: /112 is an emergency number, and calls are never forwarded to emergency services/,
    },
    {
      name: 'to itself (data written around the save-time rule): a loop, voicemail',
      setup: (w) => features(w, ADA, { forwardAlways: ADA }),
      expect: (w) => immediate(w, VM(ADA)),
      rules: ['target', 'number_status', '!dnd', 'forward_always', 'forward_loop', 'voicemail', 'caller_id'],
    },
    {
      name: 'an authorization code disables forwarding (spec §4): the phone rings',
      setup: (w) => features(w, ADA, { forwardAlways: MOBILE, forwardNoAnswer: MOBILE, authCodeEnabled: true }),
      expect: (w) => ringing(w, {}),
      rules: ['target', 'number_status', 'auth_code', '!dnd', '!forward_always', 'handset', '!softphones', '!alternate_phones', 'ring', 'call_waiting', 'voicemail', 'unreachable', 'caller_id'],
    },
  ]);
});

describe('busy (call waiting, else forward busy, else voicemail, else busy)', () => {
  run([
    {
      name: 'call waiting on (the default): a second call rings through',
      expect: (w) => ringing(w, {}),
      rules: ['target', 'number_status', '!dnd', '!forward_always', 'handset', '!softphones', '!alternate_phones', 'ring', 'call_waiting', 'voicemail', 'unreachable', 'caller_id'],
    },
    {
      name: 'call waiting off, forward busy set: forwarded',
      setup: (w) => features(w, ADA, { callWaiting: false, forwardBusy: MOBILE }),
      expect: (w) => ringing(w, { onBusy: FWD(MOBILE, 1) }),
      rules: ['target', 'number_status', '!dnd', '!forward_always', 'handset', '!softphones', '!alternate_phones', 'ring', 'forward_busy', 'forward_permission', 'voicemail', 'unreachable', 'caller_id'],
    },
    {
      name: 'call waiting off, no forward busy, voicemail on: voicemail',
      setup: (w) => features(w, ADA, { callWaiting: false }),
      expect: (w) => ringing(w, { onBusy: VM(ADA) }),
    },
    {
      name: 'call waiting off, no forward busy, voicemail off: busy (and no answer ends the call)',
      setup: (w) => features(w, ADA, { callWaiting: false, voicemail: false }),
      expect: (w) => ringing(w, { onBusy: BUSY, onNoAnswer: END }),
      rules: ['target', 'number_status', '!dnd', '!forward_always', 'handset', '!softphones', '!alternate_phones', 'ring', 'busy', 'end', 'unreachable', 'caller_id'],
    },
    {
      name: 'forward busy to premium: refused, falls back to voicemail',
      setup: (w) => features(w, ADA, { callWaiting: false, forwardBusy: PREMIUM }),
      expect: (w) => ringing(w, { onBusy: VM(ADA) }),
      says: /premium-rate/,
    },
  ]);
});

describe('no answer after the ring time (three rings of 6 s = 18 s by default)', () => {
  run([
    {
      name: 'forward no-answer set: forwarded after 18 s; unreachable goes the same way',
      setup: (w) => features(w, ADA, { forwardNoAnswer: BOB }),
      expect: (w) => ringing(w, { onNoAnswer: FWD(BOB, 1) }),
    },
    {
      name: 'no forward, voicemail on: voicemail',
      expect: (w) => ringing(w, { onNoAnswer: VM(ADA) }),
    },
    {
      name: 'no forward, voicemail off: the call ends',
      setup: (w) => features(w, ADA, { voicemail: false }),
      expect: (w) => ringing(w, { onNoAnswer: END }),
    },
    {
      name: 'a configured ring time is used',
      setup: (w) => features(w, ADA, { noAnswerRingSeconds: 30 }),
      expect: (w) => ringing(w, { ringSeconds: 30 }),
    },
    {
      name: 'forward no-answer to a country off the whitelist: refused, voicemail',
      setup: (w) => { features(w, ADA, { forwardNoAnswer: PARIS }); w.acme.intlWhitelist = ['AT']; },
      expect: (w) => ringing(w, { onNoAnswer: VM(ADA) }),
      says: /not on Acme's list of countries/,
    },
  ]);
});

describe('simultaneous ring: desk handset and active alternate phones (spec §7)', () => {
  const alternates = [
    { e164: MOBILE, active: true },
    { e164: '+4930555000', active: false },
    { e164: PREMIUM, active: true },
    { e164: PARIS, active: true },
    { e164: VIENNA, active: true },
  ];
  run([
    {
      name: 'the handset and every active, allowed alternate phone ring together; others are left out with the reason',
      setup: (w) => { w.ada.officeAnywhereEnabled = true; w.ada.alternatePhones = alternates; w.acme.intlWhitelist = ['AT']; },
      expect: (w) => ringing(w, { ring: [handset(w, ADA), { kind: 'alternate_phone', e164: MOBILE }, { kind: 'alternate_phone', e164: VIENNA }] }),
      rules: ['target', 'number_status', '!dnd', '!forward_always', 'handset', '!softphones', 'alternate_phone', '!alternate_phone', '!alternate_phone', '!alternate_phone', 'alternate_phone', 'ring', 'call_waiting', 'voicemail', 'unreachable', 'caller_id'],
      says: /Alternate phone \+499001234567 is left out: \+499001234567 is a premium-rate number/,
    },
    {
      name: 'a user not enabled for Office Anywhere: only the handset',
      setup: (w) => { w.ada.officeAnywhereEnabled = false; w.ada.alternatePhones = alternates; },
      expect: (w) => ringing(w, {}),
      says: /not enabled for Office Anywhere/,
    },
    {
      name: "the user's call rule applies to alternate phones too (national only: Vienna left out)",
      setup: (w) => {
        w.ada.officeAnywhereEnabled = true; w.ada.alternatePhones = [{ e164: MOBILE, active: true }, { e164: VIENNA, active: true }];
        w.b.callRule(w.acme, { name: 'National', dialPlan: 'national', countryWhitelist: [], prefixes: [] }, [w.ada]);
      },
      expect: (w) => ringing(w, { ring: [handset(w, ADA), { kind: 'alternate_phone', e164: MOBILE }] }),
      says: /call rule "National"/,
    },
    {
      name: 'no handset: the alternate phones ring alone',
      setup: (w) => { num(w, ADA).handset = null; w.ada.officeAnywhereEnabled = true; w.ada.alternatePhones = [{ e164: MOBILE, active: true }]; },
      expect: (w) => ringing(w, { ring: [{ kind: 'alternate_phone', e164: MOBILE }] }),
    },
    {
      name: 'nothing to ring: straight to where an unreachable call goes (voicemail)',
      setup: (w) => { num(w, ADA).handset = null; },
      expect: (w) => immediate(w, VM(ADA)),
      rules: ['target', 'number_status', '!dnd', '!forward_always', '!handset', '!softphones', '!alternate_phones', '!ring', 'voicemail', 'caller_id'],
    },
    {
      name: 'nothing to ring, forward no-answer set: forwarded at once',
      setup: (w) => { num(w, ADA).handset = null; features(w, ADA, { forwardNoAnswer: MOBILE }); },
      expect: (w) => immediate(w, FWD(MOBILE, 1)),
    },
  ]);
});

describe(`forwarding chains (at most ${MAX_FORWARD_HOPS} forwards; loops end in voicemail or busy)`, () => {
  /** Ada → N3 → N4 → … : each number forwards always to the next. */
  const chain = (w: World, links: string[]): void => {
    let from = ADA;
    for (const to of links) { features(w, from, { forwardAlways: to }); from = to; }
  };
  run([
    {
      name: 'a chain of 5 forwards is followed to its end',
      setup: (w) => chain(w, [N3, N4, N5, N6, N7]),
      expect: (w) => immediate(w, FWD(N7, 5)),
      says: /The chain ends at \+4930100207 after 5 forwards/,
    },
    {
      name: 'the 6th forward is refused: voicemail of the first number',
      setup: (w) => chain(w, [N3, N4, N5, N6, N7, MOBILE]),
      expect: (w) => immediate(w, VM(ADA)),
      says: /Forward 6 \(\+4930100207 → \+4915112345678\) is refused: a call is forwarded at most 5 times/,
    },
    {
      name: 'the 6th forward is refused, first number without voicemail: busy',
      setup: (w) => { chain(w, [N3, N4, N5, N6, N7, MOBILE]); features(w, ADA, { voicemail: false }); },
      expect: (w) => immediate(w, BUSY),
    },
    {
      name: 'A → B → A loops: voicemail of A',
      setup: (w) => chain(w, [BOB, ADA]),
      expect: (w) => immediate(w, VM(ADA)),
      rules: ['target', 'number_status', '!dnd', 'forward_always', 'forward_chain', 'forward_chain', 'forward_loop', 'voicemail', 'caller_id'],
    },
    {
      name: 'A → B → A loops, A without voicemail: busy',
      setup: (w) => { chain(w, [BOB, ADA]); features(w, ADA, { voicemail: false }); },
      expect: (w) => immediate(w, BUSY),
    },
    {
      name: 'a refused hop later in the chain (B → premium) fails the whole chain: voicemail of A',
      setup: (w) => chain(w, [BOB, PREMIUM]),
      expect: (w) => immediate(w, VM(ADA)),
      says: /Forward 2 \(\+4930100202 → \+499001234567\) is refused/,
    },
    {
      name: 'a later hop is checked against the forwarding number\'s own account and user (Lin\'s account allows premium)',
      setup: (w) => { chain(w, [LIN, PREMIUM]); w.b.snap.accounts.get(w.lin.accountId)!.premiumAllowed = true; },
      expect: (w) => immediate(w, FWD(PREMIUM, 2)),
    },
    {
      name: 'the chain stops at a number with do-not-disturb (its own plan sends the call to its mailbox)',
      setup: (w) => { chain(w, [BOB, MOBILE]); features(w, BOB, { doNotDisturb: true }); },
      expect: (w) => immediate(w, FWD(BOB, 1)),
    },
    {
      name: 'a forward to a reserved number is refused',
      setup: (w) => chain(w, [RESERVED]),
      expect: (w) => immediate(w, VM(ADA)),
      says: /reserved, not in service yet/,
    },
    {
      name: 'forward no-answer to a number that forwards always: followed (2 forwards)',
      setup: (w) => { features(w, ADA, { forwardNoAnswer: BOB }); features(w, BOB, { forwardAlways: MOBILE }); },
      expect: (w) => ringing(w, { onNoAnswer: FWD(MOBILE, 2) }),
    },
    {
      name: 'across plans: B was reached by a forward from A; B forwarding back to A on no answer loops',
      setup: (w) => { features(w, ADA, { forwardNoAnswer: BOB }); features(w, BOB, { forwardNoAnswer: ADA }); },
      req: () => ({ target: BOB, forwardedFrom: [ADA] }),
      expect: (w) => ringing(w, {
        target: { accountId: w.acme.id, office: 'Acme', userId: w.bob.id, name: 'Bob Babbage', extension: '202', number: BOB },
        ring: [handset(w, BOB)], onNoAnswer: VM(ADA),
      }),
      says: /already on the forwarding path/,
    },
    {
      name: 'across plans: after 5 forwards already, one more is refused',
      setup: (w) => features(w, N7, { forwardAlways: MOBILE }),
      req: () => ({ target: N7, forwardedFrom: [ADA, N3, N4, N5, N6] }),
      expect: (w) => immediate(w, VM(ADA), { accountId: w.acme.id, office: 'Acme', userId: null, name: null, extension: null, number: N7 }),
      says: /Forward 6 .* is refused/,
    },
  ]);
});

describe('targets', () => {
  run([
    {
      name: 'a reserved number is refused with 404',
      req: () => ({ target: RESERVED }),
      expect: () => ({ sipStatus: 404, reason: /not in service yet/ }),
      rules: ['target', '!number_status'],
    },
    {
      name: 'a pending number (handset login in progress) still routes',
      setup: (w) => { num(w, ADA).status = 'pending'; },
      expect: (w) => ringing(w, {}),
    },
    {
      name: 'an unknown number is refused with 404',
      req: () => ({ target: '+4930999999' }),
      expect: () => ({ sipStatus: 404, reason: /is not a Tandem number/ }),
    },
    {
      name: "a site's main number: 480, nobody answers it yet",
      req: () => ({ target: ACME_MAIN }),
      expect: () => ({ sipStatus: 480, reason: /main number/ }),
      rules: ['target', 'number_status', 'main_number'],
    },
    {
      name: "an extension of the account: the user's number",
      req: (w) => ({ target: '201', accountId: w.acme.id }),
      expect: (w) => ringing(w, {}),
      rules: ['target', 'number_status', '!dnd', '!forward_always', 'handset', '!softphones', '!alternate_phones', 'ring', 'call_waiting', 'voicemail', 'unreachable', 'caller_id'],
    },
    {
      name: 'an extension of another account is not found in this one',
      req: (w) => ({ target: '301', accountId: w.acme.id }),
      expect: () => ({ sipStatus: 404, reason: /No extension 301 in Acme/ }),
    },
    {
      name: 'an extension without an account is refused',
      req: () => ({ target: '201' }),
      expect: () => ({ sipStatus: 404 }),
    },
    {
      name: 'the extension of a user without a number: 480',
      setup: (w) => void w.b.user(w.acme, { firstName: 'Nora', lastName: 'Nonumber', extension: '209' }),
      req: (w) => ({ target: '209', accountId: w.acme.id }),
      expect: () => ({ sipStatus: 480, reason: /Nora Nonumber \(extension 209\) has no number/ }),
    },
    {
      name: 'a ring group extension: 480, not available yet',
      setup: (w) => void w.acme.extensions.set('500', { type: 'ring_group', id: 'rg-1' }),
      req: (w) => ({ target: '500', accountId: w.acme.id }),
      expect: () => ({ sipStatus: 480, reason: /ring group/ }),
    },
    {
      name: 'an Office Anywhere portal number: the portal answers at once',
      req: () => ({ target: PORTAL }),
      expect: (w) => immediate(w, { action: 'oa_portal', portalId: [...w.acme.portals.keys()][0]!, numberE164: PORTAL },
        { accountId: w.acme.id, office: 'Acme', userId: null, name: 'Road warriors', extension: '250', number: PORTAL }),
      rules: ['target', 'number_status', 'oa_portal', 'caller_id'],
    },
    {
      name: 'an Office Anywhere portal extension: the portal',
      req: (w) => ({ target: '250', accountId: w.acme.id }),
      expect: (w) => immediate(w, { action: 'oa_portal', portalId: [...w.acme.portals.keys()][0]!, numberE164: PORTAL },
        { accountId: w.acme.id, office: 'Acme', userId: null, name: 'Road warriors', extension: '250', number: PORTAL }),
    },
    {
      name: 'a number with a display name and no user: the party shows the display name; nothing rings, voicemail',
      setup: (w) => { num(w, N3).displayName = { line1: 'Reception', line2: 'Desk' }; },
      req: () => ({ target: N3 }),
      expect: (w) => immediate(w, VM(N3), { accountId: w.acme.id, office: 'Acme', userId: null, name: 'Reception Desk', extension: null, number: N3 }),
    },
    ...['sip:ada@acme.example', '+49301002O1', '201;user=phone', '', '+', '2O1', '٢٠١'].map((target): Case => ({
      name: `a malformed target never routes: ${JSON.stringify(target)}`,
      req: (w) => ({ target, accountId: w.acme.id }),
      expect: () => ({ sipStatus: 404 }),
      rules: ['!target'],
    })),
  ]);
});

describe('caller ID the ringing endpoints are shown (spec §8, §9)', () => {
  const shown = (expected: (w: World) => CallerIdShown, caller: (w: World) => InboundInput['caller'], setup?: (w: World) => void) => ({
    setup, req: (w: World) => ({ caller: caller(w) }), expect: (w: World) => ringing(w, { callerId: expected(w) }),
  });
  run([
    {
      name: 'an internal caller: name and extension',
      ...shown(() => ({ anonymous: false, number: null, name: 'Bob Babbage', extension: '202', office: null, source: 'internal' }), (w) => ({ accountId: w.acme.id, userId: w.bob.id })),
    },
    {
      name: 'a caller of a linked account: name + extension with the office',
      ...shown(() => ({ anonymous: false, number: null, name: 'Lin Link', extension: '301', office: 'Linked Co', source: 'federation_name_extension' }), (w) => ({ accountId: w.lin.accountId, userId: w.lin.id })),
    },
    {
      name: 'a caller of a federated account: name + number with the office',
      ...shown(() => ({ anonymous: false, number: PIA, name: 'Pia Partner', extension: null, office: 'Partner AG', source: 'federation_name_number' }), (w) => ({ accountId: w.pia.accountId, userId: w.pia.id })),
    },
    {
      name: 'a federated caller who hides caller ID: anonymous',
      ...shown(() => ({ anonymous: true, number: null, name: null, extension: null, office: null, source: 'hidden' }), (w) => ({ accountId: w.pia.accountId, userId: w.pia.id }), (w) => features(w, PIA, { hideCallerId: true })),
    },
    {
      name: 'a Tandem caller of an unfederated account: their number only, as the public network carries it',
      ...shown(() => ({ anonymous: false, number: SAM, name: null, extension: null, office: null, source: 'user_number' }), (w) => ({ accountId: w.sam.accountId, userId: w.sam.id })),
    },
    {
      name: 'a public caller: their number',
      ...shown(() => PUBLIC_CALLER, () => ({ e164: MUNICH })),
    },
    {
      name: 'a public caller who withholds their number: anonymous',
      ...shown(() => ({ anonymous: true, number: null, name: null, extension: null, office: null, source: 'hidden' }), () => ({ e164: null })),
    },
    {
      name: 'a public caller with a malformed number: anonymous, never shown',
      ...shown(() => ({ anonymous: true, number: null, name: null, extension: null, office: null, source: 'hidden' }), () => ({ e164: '+49<script>' })),
    },
  ]);
});

describe('properties', () => {
  test('no target or caller crashes the engine; only numbers and extensions in the snapshot route; plans are deterministic', () => {
    const w = world();
    features(w, ADA, { forwardNoAnswer: BOB });
    features(w, BOB, { forwardAlways: ADA });
    const routable = new Set([...w.b.snap.numbers.values()].filter((n) => n.status !== 'reserved' && !n.isMain).map((n) => n.e164));
    const target = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom(ADA, BOB, '201', '250', '500', PORTAL, ACME_MAIN, RESERVED), fc.stringMatching(/^\+?[0-9]{1,16}$/));
    const caller = fc.oneof(fc.record({ e164: fc.option(fc.string({ maxLength: 20 })) }), fc.record({ accountId: fc.constantFrom(w.acme.id, 'acct-999'), userId: fc.option(fc.constantFrom(w.ada.id, w.bob.id, 'user-999')) }));
    fc.assert(fc.property(target, caller, fc.option(fc.constant(w.acme.id)), fc.array(fc.string({ maxLength: 16 }), { maxLength: 8 }), (t, c, accountId, forwardedFrom) => {
      const req: InboundInput = { target: t, caller: c, accountId, at: AT, forwardedFrom };
      const p = planInbound(w.b.snap, req);
      assert.deepEqual(planInbound(w.b.snap, req), p);
      if (p.ok) assert.ok(routable.has(p.target.number!) && (t.startsWith('+') ? t === p.target.number : /^[0-9]+$/.test(t)), t);
      else assert.ok([404, 480].includes(p.sipStatus));
      for (const f of p.ok ? [p.immediate, p.onBusy, p.onNoAnswer, p.onUnreachable] : []) {
        if (f?.action === 'forward') assert.ok(f.hops >= 1 && f.hops <= MAX_FORWARD_HOPS);
      }
    }), { numRuns: 2000 });
  });
});
