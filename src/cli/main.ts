#!/usr/bin/env node
/** The `tandem` command: serve, demo, import users|numbers, accounts. */
import { Command } from 'commander';
import { loadConfig } from '../config/index.ts';
import { registerServe } from './serve.ts';

const program = new Command();
program.name('tandem').description('Tandem — multi-tenant cloud phone system with linked and federated accounts').showHelpAfterError();
registerServe(program);

const extra = ['./demo.ts', './import.ts', './accounts.ts'];
for (const m of extra) {
  try {
    const mod = (await import(m)) as { register?: (p: Command) => void };
    mod.register?.(program);
  } catch (e) {
    if ((e as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw e;
  }
}

try {
  await program.parseAsync(process.argv);
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
}
export { loadConfig };
