#!/usr/bin/env node
/** The `tandem` command: serve, demo, import, accounts, simulate, rates, trunks, invoice. */
import { Command } from 'commander';
import { register as registerAccounts } from './accounts.ts';
import { register as registerDemo } from './demo.ts';
import { register as registerImport } from './import.ts';
import { register as registerInvoice } from './invoice.ts';
import { register as registerRates } from './rates.ts';
import { registerServe } from './serve.ts';
import { register as registerSimulate } from './simulate.ts';
import { register as registerTrunks } from './trunks.ts';

const program = new Command();
program.name('tandem').description('Tandem — multi-tenant cloud phone system with linked and federated accounts').showHelpAfterError();
registerServe(program);
registerDemo(program);
registerImport(program);
registerAccounts(program);
registerSimulate(program);
registerRates(program);
registerTrunks(program);
registerInvoice(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
}
