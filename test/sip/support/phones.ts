/**
 * Phones and calls of the SIPp integration tests, shared by the test files: a device registered from
 * one SIPp run whose port a SIPp answerer then takes (the registrar sends to the Contact's port,
 * registrar.ts `reachAt`), a caller dialling with its digest credentials, what a run received, and the
 * combined explanation of a failed call. `Started` stops, in a test's `finally`, what the test started.
 */
import assert from 'node:assert/strict';
import { freeUdpPort } from './ports.ts';
import { parseMessageTrace, runSipp, startSippUas, type SippResult, type SippUas } from './sipp.ts';
import { makePhone, type Phone, type SipTestServer } from './tandem.ts';
import type { TenantFixture } from '../../support/harness.ts';

/** Requests (or responses) of a SIPp run's message trace whose first line matches. */
export const received = (r: SippResult, firstLine: RegExp): string[] =>
  parseMessageTrace(r.messageLog).filter((m) => m.direction === 'received' && firstLine.test(m.firstLine)).map((m) => m.firstLine);
/** Every message a SIPp run received. */
export const receivedAll = (r: SippResult): string[] => received(r, /./);
/** The first value of `header` in the first received message whose first line matches. */
export const receivedHeader = (r: SippResult, firstLine: RegExp, header: string): string | undefined =>
  parseMessageTrace(r.messageLog).find((m) => m.direction === 'received' && firstLine.test(m.firstLine))?.header(header);

/** Everything a test starts, stopped in its `finally`. */
export class Started {
  private readonly uases: SippUas[] = [];
  add(u: SippUas): SippUas {
    this.uases.push(u);
    return u;
  }
  async stopAll(): Promise<void> {
    for (const u of this.uases) await u.stop().catch(() => undefined);
  }
}

export interface PhoneOpts {
  /** The answerer's scenario; default uas-answer. */
  scenario?: string;
  /** SIPp's global timeout; default 20 s. */
  timeoutS?: number;
}

/** Registers `p` from a SIPp on a fresh port, then starts a SIPp answerer (`scenario`) on that port. */
export async function registeredPhone(s: SipTestServer, p: Phone, started: Started, opts: PhoneOpts = {}): Promise<SippUas> {
  const port = await freeUdpPort();
  const reg = await runSipp({
    scenario: 'register-auth', target: `127.0.0.1:${s.udpPort}`, localPort: port, service: p.username, timeoutS: 10,
    auth: { username: p.username, password: p.password }, vars: { domain: p.domain },
  });
  assert.ok(reg.ok, reg.explain());
  assert.equal(s.sip.location.bindings(p.deviceId).length, 1);
  return started.add(await startSippUas({ scenario: opts.scenario ?? 'uas-answer', localPort: port, service: p.username, timeoutS: opts.timeoutS ?? 20 }));
}

/** `from` dials `dialled` with its digest credentials (challenge answered once). */
export function dial(s: SipTestServer, from: Phone, dialled: string, scenario = 'uac-call', pauseMs = 500, timeoutS = 15): Promise<SippResult> {
  return runSipp({
    scenario, target: `127.0.0.1:${s.udpPort}`, service: dialled, timeoutS, pauseMs,
    auth: { username: from.username, password: from.password },
    // What the handset itself sends as its display name; Tandem must show the user's name instead.
    vars: { caller: from.username, caller_name: 'Handset', domain: from.domain, to_domain: from.domain },
  });
}

/**
 * A call between two phones of one new account: B registers and answers with `callee`'s scenario, A
 * dials B's extension with `caller`'s; both runs must succeed. Returns the phones, B's answerer and both runs.
 */
export async function callBetweenNewPhones(
  s: SipTestServer, started: Started, t: TenantFixture,
  scenarios: { caller: string; callee: string; calleeTimeoutS: number; callerTimeoutS: number },
): Promise<{ a: Phone; b: Phone; uas: SippUas; caller: SippResult; callee: SippResult; all: string }> {
  const a = await makePhone(s.h, t);
  const b = await makePhone(s.h, t);
  const uas = await registeredPhone(s, b, started, { scenario: scenarios.callee, timeoutS: scenarios.calleeTimeoutS });
  const caller = await dial(s, a, b.extension, scenarios.caller, 0, scenarios.callerTimeoutS);
  const callee = await uas.done;
  const all = explainAll({ caller, callee });
  assert.ok(caller.ok, all);
  assert.ok(callee.ok, all);
  return { a, b, uas, caller, callee, all };
}

/** The SIP-side explanation of a failed call: the caller's run and every peer's. */
export function explainAll(parts: Record<string, SippResult | undefined>): string {
  return Object.entries(parts).filter(([, r]) => r).map(([name, r]) => `=== ${name} ===\n${r!.explain()}`).join('\n');
}
