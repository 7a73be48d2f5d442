/**
 * Issue 5: "Registrations survive a SIGKILL and restart of the server." A real `tandem serve` process
 * on the embedded database: a phone registers (SIPp), the server is killed with SIGKILL, started again
 * on the same data directory, and a call to that phone reaches it without the phone registering again.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeAccount, type Harness, type Res } from '../support/harness.ts';
import { freeTcpPort, freeUdpPort, sleep } from './support/ports.ts';
import { startChild, type Child } from './support/proc.ts';
import { runSipp, startSippUas } from './support/sipp.ts';
import { makePhone } from './support/tandem.ts';
import { requireTool } from './support/tools.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const skip = requireTool('sipp');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tandem-restart-'));
const children: Child[] = [];
after(async () => {
  for (const c of children) if (c.running()) await c.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function startTandem(env: NodeJS.ProcessEnv, httpPort: number): Promise<Child> {
  const c = startChild(process.execPath, [path.join(ROOT, 'bin/tandem.js'), 'serve', '--no-demo'], { cwd: ROOT, env: { ...process.env, ...env }, hardTimeoutMs: 120_000 });
  children.push(c);
  for (let i = 0; i < 300; i++) {
    if (!c.running()) throw new Error(`tandem serve exited: ${c.stderr()}${c.stdout()}`);
    try {
      if ((await fetch(`http://127.0.0.1:${httpPort}/readyz`)).ok && c.stdout().includes('SIP service started')) return c;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`tandem serve did not become ready: ${c.stdout()}`);
}

/** The harness interface over real HTTP, so the fixture helpers work against the running process. */
function httpHarness(base: string, operatorToken: string): Harness {
  const call: Harness['call'] = async (method, url, opts = {}) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const r = await fetch(base + url, { method, headers, ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}) });
    const text = await r.text();
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = text;
    }
    return { status: r.status, body, headers: Object.fromEntries(r.headers), text } as Res;
  };
  return { call, operatorToken } as Harness; // only call and operatorToken are used by the fixture helpers
}

test('a registration survives SIGKILL and restart: the phone is called without registering again', { skip, timeout: 120_000 }, async () => {
  const [httpPort, sipPort] = [await freeTcpPort(), await freeUdpPort()];
  const env = {
    TANDEM_DATA_DIR: dataDir, TANDEM_HTTP_PORT: String(httpPort), TANDEM_HTTP_HOST: '127.0.0.1', TANDEM_SIP_HOST: '127.0.0.1',
    TANDEM_SIP_PORT: String(sipPort), TANDEM_SIP_WS_PORT: 'off', TANDEM_SIP_DIGEST_ALGORITHMS: 'MD5,SHA-256',
    TANDEM_OPERATOR_PASSWORD: 'operator password 1', TANDEM_LOG_LEVEL: 'info', DATABASE_URL: '',
  };
  const base = `http://127.0.0.1:${httpPort}`;
  let server = await startTandem(env, httpPort);
  const login = await fetch(`${base}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'operator@tandem.local', password: 'operator password 1' }) });
  const h = httpHarness(base, ((await login.json()) as { token: string }).token);
  const t = await makeAccount(h);
  const caller = await makePhone(h, t);
  const callee = await makePhone(h, t);
  const target = `127.0.0.1:${sipPort}`;
  const phonePort = await freeUdpPort();
  const reg = await runSipp({ scenario: 'register-auth', target, localPort: phonePort, service: callee.username, timeoutS: 10, auth: { username: callee.username, password: callee.password }, vars: { domain: callee.domain } });
  assert.ok(reg.ok, reg.explain());

  server.proc.kill('SIGKILL');
  assert.equal((await server.exited).signal, 'SIGKILL');
  server = await startTandem(env, httpPort);
  assert.match(server.stdout(), /"restored":1\b/);

  const phone = await startSippUas({ scenario: 'uas-answer', localPort: phonePort, timeoutS: 20 });
  try {
    const call = await runSipp({ scenario: 'uac-call', target, service: callee.extension, timeoutS: 15, pauseMs: 200, auth: { username: caller.username, password: caller.password }, vars: { caller: caller.username, domain: caller.domain, to_domain: caller.domain } });
    assert.ok(call.ok, call.explain());
    const answered = await phone.done;
    assert.equal(answered.exitCode, 0, answered.explain());
    assert.equal(answered.capture('ruri'), `sip:${callee.username}@127.0.0.1:${phonePort}`);
  } finally {
    await phone.stop();
    await server.stop();
  }
});
