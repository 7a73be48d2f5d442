/**
 * `tandem simulate --account <id|name> --from <who> --dial <digits>` (or `--to <who>` for an
 * incoming call): the dial-plan simulator of issue 4 on the command line — the decision or call plan
 * with every rule consulted, without placing a call.
 */
import type { Command } from 'commander';
import type { CallPlan, OutboundDecision, Step } from '../routing/types.ts';
import { reportOperator, resolveAccount, withLocalClient } from './local-client.ts';

const out = (s: string) => process.stdout.write(`${s}\n`);

function explain(steps: Step[]): void {
  out('Rules consulted:');
  for (const s of steps) out(`  ${s.matched ? '✔' : '·'} ${s.rule.padEnd(20)} ${s.why}`);
}

export function printDecision(label: string, dial: string, d: OutboundDecision): void {
  out(`${label} dials ${JSON.stringify(dial)}`);
  if (d.ok) {
    const who = d.callee.name ? `${d.callee.name}${d.callee.extension ? ` (extension ${d.callee.extension})` : ''}${d.callee.office ? `, ${d.callee.office}` : ''}` : (d.callee.number ?? d.routeClass);
    out(`→ ${d.routeClass}: ${who}`);
    out(`  metering ${d.metering}; caller ID shown: ${d.callerId.anonymous ? 'anonymous' : [d.callerId.name, d.callerId.extension, d.callerId.number, d.callerId.office].filter(Boolean).join(' · ')} (${d.callerId.source})${d.authCodeRequired ? '; authorization code required' : ''}`);
  } else {
    out(`→ refused: SIP ${d.sipStatus} — ${d.reason}`);
  }
  explain(d.explanation);
}

export function printPlan(to: string, p: CallPlan): void {
  out(`A call to ${to}`);
  if (!p.ok) {
    out(`→ refused: SIP ${p.sipStatus} — ${p.reason}`);
  } else {
    const f = (x: { action: string } & Record<string, unknown>) => [x.action, x.to ?? x.numberE164 ?? ''].filter(Boolean).join(' ');
    if (p.immediate) out(`→ at once: ${f(p.immediate)}`);
    else out(`→ rings together for ${p.ringSeconds} s: ${p.ring.map((e) => (e.kind === 'handset' ? `handset ${e.phoneId}` : `alternate phone ${e.e164}`)).join(', ') || 'nothing'}`);
    out(`  on busy: ${f(p.onBusy)}; on no answer: ${f(p.onNoAnswer)}; unreachable: ${f(p.onUnreachable)}`);
  }
  explain(p.explanation);
}

export function register(program: Command): void {
  program
    .command('simulate')
    .description('what happens if <from> dials <digits> (or a call comes in to <to>): the decision and every rule consulted, no call placed')
    .requiredOption('-a, --account <account>', 'the account, by id or exact name')
    .option('--from <who>', 'the caller: an extension, a number of the account, or a user id (for --to: also a public E.164 number)')
    .option('--dial <digits>', 'what the caller dials')
    .option('--to <who>', 'simulate an incoming call to this extension, number or user instead')
    .option('--json', 'print JSON')
    .action(async (opts: { account: string; from?: string; dial?: string; to?: string; json?: boolean }) => {
      if (!opts.to && (!opts.from || opts.dial === undefined)) throw new Error('Give --from and --dial (an outgoing call), or --to (an incoming call)');
      await withLocalClient(async (c) => {
        reportOperator(c, out);
        const account = await resolveAccount(c, opts.account);
        if (opts.to) {
          const plan = await c.call<CallPlan>('POST', '/v1/routing/simulate/inbound', { account: account.id, body: { to: opts.to, ...(opts.from ? { from: opts.from } : {}) } });
          return opts.json ? out(JSON.stringify(plan, null, 2)) : printPlan(opts.to, plan);
        }
        const r = await c.call<{ caller: { label: string }; decision: OutboundDecision }>('POST', '/v1/routing/simulate/outbound', { account: account.id, body: { from: opts.from, dial: opts.dial } });
        return opts.json ? out(JSON.stringify(r, null, 2)) : printDecision(r.caller.label, opts.dial!, r.decision);
      });
    });
}
