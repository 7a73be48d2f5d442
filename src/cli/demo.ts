/**
 * `tandem demo [--credentials FILE]` (spec §13 "seed demo data"): loads the demo data set
 * (demo-data.ts) through the API and prints how to sign in. Refuses to load it twice into the same
 * database (exit code 1).
 *
 * `tandem demo --scale` loads the directory-at-scale data set instead (demo-scale.ts): 10 accounts ×
 * 10,000 users in one linked federation plus two smaller overlapping ones, with a progress bar.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { table } from './accounts.ts';
import { credentialsCsv, DEMO_PASSWORD, DemoAlreadyLoaded, loadDemoWith, summaryLine } from './demo-data.ts';
import { buildScaleDemo, scaleProgress, ScaleDemoAlreadyLoaded } from './demo-scale.ts';
import { withLocalClient, type LocalClient } from './local-client.ts';

/** `tandem demo --scale`: builds the scale data set and prints what it made, how long it took and how to sign in. */
async function scaleDemo(c: LocalClient, out: (s: string) => void): Promise<void> {
  const p = scaleProgress();
  let s;
  try {
    s = await buildScaleDemo(c, { onProgress: p.onProgress });
  } catch (e) {
    if (e instanceof ScaleDemoAlreadyLoaded) {
      process.stderr.write(`${e.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw e;
  } finally {
    p.stop();
  }
  const t = s.timings;
  out(`Scale demo loaded: ${s.accounts.length} accounts, ${s.users.toLocaleString('en')} users, ${s.numbers.toLocaleString('en')} numbers (${s.assigned.toLocaleString('en')} assigned), ${s.federations.length} active federations`);
  for (const f of s.federations) out(`  ${f.name}: ${f.members} accounts, ${f.preset}`);
  out(`Timings: accounts and sites ${t.accounts.toFixed(1)} s, bulk users and numbers ${t.users.toFixed(1)} s, federations ${t.federations.toFixed(1)} s, total ${t.total.toFixed(1)} s`);
  out('');
  out(`Sign in (start the server with "tandem serve", then open ${c.services.config.publicUrl}) with the password ${DEMO_PASSWORD}:`);
  for (const l of table(s.accounts.map((a) => [a.name, `admin ${a.adminEmail}`, `user ${a.userEmail}`]))) out(`  ${l}`);
}

export function register(program: Command): void {
  program
    .command('demo')
    .description(`load the demo data set: 3 companies, their sites, ~50 users (password "${DEMO_PASSWORD}"), numbers, handsets, Office Anywhere`)
    .option('--credentials <file>', 'write the demo handsets\' SIP credentials to this CSV file (account,site,user,extension,number,domain,username,password)')
    .option('--scale', 'instead: the directory at scale — 10 accounts × 10,000 users in one linked federation plus two smaller overlapping ones (the benchmark data set)')
    .action(async (opts: { credentials?: string; scale?: boolean }) => {
      const out = (s: string): void => void process.stdout.write(`${s}\n`);
      if (opts.scale) {
        if (opts.credentials) throw new Error('--credentials belongs to the regular demo; the scale demo has no handsets');
        await withLocalClient((c) => scaleDemo(c, out));
        return;
      }
      if (opts.credentials) {
        const dir = path.dirname(path.resolve(opts.credentials));
        if (!fs.existsSync(dir)) throw new Error(`Cannot write ${opts.credentials}: the folder ${dir} does not exist`);
      }
      await withLocalClient(async (c) => {
        let s;
        try {
          s = await loadDemoWith(c);
        } catch (e) {
          if (e instanceof DemoAlreadyLoaded) {
            process.stderr.write(`${e.message}\n`);
            process.exitCode = 1;
            return;
          }
          throw e;
        }
        if (opts.credentials) fs.writeFileSync(opts.credentials, credentialsCsv(s.credentials), { mode: 0o600 });
        out(`Demo data loaded: ${summaryLine(s)}`);
        out('');
        out(`Sign in (start the server with "tandem serve", then open ${c.services.config.publicUrl}):`);
        const op = c.operator.generatedPassword
          ? `password ${c.operator.generatedPassword}   (generated now and shown once; set TANDEM_OPERATOR_PASSWORD to choose it)`
          : 'the operator password (TANDEM_OPERATOR_PASSWORD, or the one printed at first start)';
        const rows: string[][] = [['operator', c.operator.email, op]];
        for (const a of s.accounts) {
          for (const e of a.admins) rows.push([`account admin, ${a.name}`, e, `password ${DEMO_PASSWORD}`]);
          for (const e of a.siteAdmins) rows.push([`site admin, ${a.name}`, e, `password ${DEMO_PASSWORD}`]);
        }
        for (const l of table(rows)) out(`  ${l}`);
        out(`  Every demo user signs in with first.last@<account domain> and the password ${DEMO_PASSWORD}.`);
        if (opts.credentials) out(`SIP credentials of the ${s.credentials.length} demo handsets written to ${opts.credentials}`);
        if (s.skipped.length > 0) {
          out('');
          out(`${s.skipped.length} demo step${s.skipped.length === 1 ? ' was' : 's were'} skipped:`);
          for (const k of s.skipped) out(`  - ${k}`);
        }
      });
    });
}
