/** `tandem serve`: starts the portal, API, docs and SIP; demo data on first start unless --no-demo. */
import type { Command } from 'commander';
import { loadConfig } from '../config/index.ts';
import { start } from '../server.ts';
import { portalBuilt } from '../http/app.ts';
import { DEMO_PASSWORD, loadDemo } from './demo-data.ts';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('start Tandem (admin portal, HTTP API, docs and SIP service); loads the demo data on first start')
    .option('--no-demo', 'do not load demo data on first start')
    .action(async (opts: { demo: boolean }) => {
      const config = loadConfig();
      const running = await start(config);
      const out = (s: string) => process.stdout.write(`${s}\n`);
      if (opts.demo && running.operator.created) out(`Demo data loaded: ${await loadDemo(running.services, {})}`);
      const base = config.publicUrl;
      out('');
      out(`Tandem is running (${config.databaseUrl ? 'PostgreSQL server' : `embedded database in ${config.dataDir}`})`);
      out(`  Portal     ${portalBuilt() ? `${base}/` : 'not built (node scripts/build-web.mjs)'}`);
      out(`  API        ${base}/v1`);
      out(`  API docs   ${base}/docs   (OpenAPI: ${base}/openapi.json)`);
      out(`  Health     ${base}/livez  ${base}/readyz  ${base}/metrics`);
      out(`  Routing    snapshot built in ${Math.round(running.routingBuildMs)} ms`);
      if (running.sip) {
        const l = running.sip.listening();
        out(`  SIP        ${Object.entries(l).map(([t, a]) => `${t} ${a.address}:${a.port}`).join(', ')}`);
      } else out('  SIP        off (TANDEM_SIP=off)');
      out(`  Operator   ${running.operator.email}`);
      if (running.operator.generatedPassword) out(`  Password   ${running.operator.generatedPassword}   (shown once; set TANDEM_OPERATOR_PASSWORD to choose it)`);
      else if (running.operator.created) out('  Password   the one in TANDEM_OPERATOR_PASSWORD');
      if (opts.demo && running.operator.created) out(`  Demo       every demo user signs in with the password ${DEMO_PASSWORD} (see: npx tandem accounts list)`);
      out('');
      const stop = async () => {
        await running.stop();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });
}
