/** `tandem serve`: starts the API, docs and (once built) portal; demo data on first start unless --no-demo. */
import type { Command } from 'commander';
import { loadConfig } from '../config/index.ts';
import { start } from '../server.ts';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('start Tandem (HTTP API, docs, portal)')
    .option('--no-demo', 'do not load demo data on first start')
    .action(async (opts: { demo: boolean }) => {
      const config = loadConfig();
      const running = await start(config);
      const out = (s: string) => process.stdout.write(`${s}\n`);
      if (opts.demo && running.operator.created) {
        try {
          const { loadDemo } = await import('./demo-data.ts');
          const summary = await loadDemo(running.services, {});
          out(`Demo data loaded: ${summary}`);
        } catch (e) {
          if ((e as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw e;
        }
      }
      const base = config.publicUrl;
      out('');
      out(`Tandem is running (${config.databaseUrl ? 'PostgreSQL server' : `embedded database in ${config.dataDir}`})`);
      out(`  API        ${base}/v1`);
      out(`  API docs   ${base}/docs   (OpenAPI: ${base}/openapi.json)`);
      out(`  Health     ${base}/livez  ${base}/readyz  ${base}/metrics`);
      out(`  Operator   ${running.operator.email}`);
      if (running.operator.generatedPassword) out(`  Password   ${running.operator.generatedPassword}   (shown once; set TANDEM_OPERATOR_PASSWORD to choose it)`);
      else if (running.operator.created) out('  Password   the one in TANDEM_OPERATOR_PASSWORD');
      out('');
      const stop = async () => {
        await running.stop();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });
}
