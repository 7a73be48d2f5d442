/**
 * Which external SIP tools a test needs, and what to do when one is missing.
 *
 * The rule (ENGINEERING.md "Tests"): `npm test` passes on a machine without the real peers — the tests
 * that need them are skipped with a reason that says how to install them — but in CI (`CI=true`) a
 * missing tool is a failure, because `scripts/install-sip-tools.sh` is expected to have installed it.
 *
 *   const skip = requireTool('sipp');
 *   test('register with digest auth', { skip }, async () => { ... });
 */
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** The executables the SIP tests drive, and the Debian package of each. */
export const SIP_TOOLS = {
  sipp: 'sip-tester',
  baresip: 'baresip',
  kamailio: 'kamailio',
  bc: 'bc',
} as const;

export type SipTool = keyof typeof SIP_TOOLS;

/** Where `name` is found on PATH (an executable file), or null. Kamailio lives in /usr/sbin, which a
 * non-root PATH may lack, so the sbin directories are searched too. */
export function toolPath(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const dirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const extra of ['/usr/local/sbin', '/usr/sbin', '/sbin']) if (!dirs.includes(extra)) dirs.push(extra);
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

/** True when running in CI, where every SIP tool must be present. */
export const inCi = (env: NodeJS.ProcessEnv = process.env): boolean => env.CI === 'true';

/**
 * For `test(name, { skip: requireTool('sipp') }, ...)`: undefined when every named tool is installed;
 * otherwise a skip reason outside CI, and a thrown Error under `CI=true` (a missing tool in CI is a
 * broken pipeline, not a reason to skip).
 */
export function requireTool(...names: SipTool[]): string | undefined {
  return toolDecision(names, process.env, (n) => toolPath(n) !== null);
}

/** The decision of `requireTool`, with its inputs injectable (tested in test/sip/tooling.test.ts). */
export function toolDecision(names: SipTool[], env: NodeJS.ProcessEnv, present: (name: SipTool) => boolean): string | undefined {
  const missing = names.filter((n) => !present(n));
  if (missing.length === 0) return undefined;
  const pkgs = [...new Set(missing.map((n) => SIP_TOOLS[n]))].join(' ');
  const what = `${missing.join(', ')} not installed (Debian: ${pkgs}; run scripts/install-sip-tools.sh as root)`;
  if (inCi(env)) throw new Error(`CI=true and ${what}`);
  return what;
}
