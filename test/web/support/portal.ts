/**
 * The portal's browser tests: a real Tandem API server listening on a loopback port (with its own
 * fresh database, PGlite or the PostgreSQL server of DATABASE_URL) serving the built portal, and
 * Debian's Chromium driven by playwright-core.
 *
 *   const skip = requireBrowser();
 *   test('…', { skip }, async () => {
 *     const p = await startPortal();
 *     try {
 *       const t = await makeAccount(p.h);
 *       const page = await p.signIn(`admin…`, 'admin password 1');   // through the sign-in form
 *       // or: const page = await p.openAs(t.adminToken, '/numbers');   // token put in localStorage
 *       ...
 *       p.assertNoConsoleErrors(page);
 *     } finally { await p.close(); }
 *   });
 *
 * The rule for tools (ENGINEERING.md "Tests"): outside CI a missing Chromium skips these tests with a
 * reason; under CI=true it fails them (scripts/install-browser.sh is expected to have installed it).
 * With TANDEM_SCREENSHOTS=1, `shot(page, name)` writes docs/screenshots/<name>.png (the README shows them).
 */
import { accessSync, constants, mkdirSync } from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { harness, type Harness } from '../../support/harness.ts';

export const CHROMIUM = process.env.TANDEM_CHROMIUM ?? '/usr/bin/chromium';

/** undefined when Chromium is installed; a skip reason outside CI; throws under CI=true. */
export function requireBrowser(): string | undefined {
  try {
    accessSync(CHROMIUM, constants.X_OK);
    return undefined;
  } catch {
    const what = `${CHROMIUM} not installed (Debian: chromium; run scripts/install-browser.sh as root)`;
    if (process.env.CI === 'true') throw new Error(`CI=true and ${what}`);
    return what;
  }
}

/** Flags for Chromium on a closed, headless machine (no background connections, no GPU). */
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

export interface Portal {
  h: Harness;
  /** The server's origin, e.g. http://127.0.0.1:41234 */
  url: string;
  browser: Browser;
  /** A new page (own context: own localStorage), not signed in, at `path`. */
  open(path: string): Promise<Page>;
  /** A new page (own context: own localStorage) signed in through the sign-in form. */
  signIn(email: string, password: string, path?: string): Promise<Page>;
  /** A new page with `token` (and for an operator, the acting account) already in localStorage. */
  openAs(token: string, path: string, actingAccountId?: string): Promise<Page>;
  /** Fails with the page's script errors and console errors (network answers the test provoked excepted). */
  assertNoConsoleErrors(page: Page): void;
  close(): Promise<void>;
}

const problems = new WeakMap<Page, string[]>();

function watch(page: Page): Page {
  const seen: string[] = [];
  problems.set(page, seen);
  page.on('pageerror', (e) => seen.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // Chromium logs every 4xx answer as "Failed to load resource: …"; those are the error paths a test
    // drives on purpose (and the portal shows them), not script errors.
    if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) return;
    seen.push(`console error: ${m.text()}`);
  });
  return page;
}

export async function startPortal(): Promise<Portal> {
  const h = await harness();
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const address = h.app.server.address();
  if (!address || typeof address === 'string') throw new Error('the API server has no TCP address');
  const url = `http://127.0.0.1:${address.port}`;
  let browser: Browser;
  try {
    // playwright gives the browser a new, empty profile directory of its own and removes it on close
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS, timeout: 60_000 });
  } catch (e) {
    await h.close();
    throw e;
  }
  const contexts: BrowserContext[] = [];
  const newPage = async (init?: { token: string; accountId?: string }): Promise<Page> => {
    const context = await browser.newContext({ baseURL: url, viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    context.setDefaultTimeout(15_000);
    if (init) {
      await context.addInitScript(([token, accountId]) => {
        if (sessionStorage.getItem('tandem.test.seeded')) return; // only before the first load: sign-out must stick
        sessionStorage.setItem('tandem.test.seeded', '1');
        localStorage.setItem('tandem.token', token!);
        if (accountId) localStorage.setItem('tandem.actingAccount', accountId);
      }, [init.token, init.accountId ?? '']);
    }
    return watch(await context.newPage());
  };
  return {
    h, url, browser,
    async open(to) {
      const page = await newPage();
      await page.goto(to);
      return page;
    },
    async signIn(email, password, to = '/') {
      const page = await newPage();
      await page.goto(to);
      await page.getByLabel('E-mail').fill(email);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('navigation').waitFor();
      return page;
    },
    async openAs(token, to, accountId) {
      const page = await newPage({ token, ...(accountId ? { accountId } : {}) });
      await page.goto(to);
      return page;
    },
    assertNoConsoleErrors(page) {
      assert.deepEqual(problems.get(page) ?? [], [], 'the page logged errors');
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
      await h.close();
    },
  };
}

/** With TANDEM_SCREENSHOTS=1: saves the page as docs/screenshots/<name>.png (for the README). */
export async function shot(page: Page, name: string): Promise<void> {
  if (process.env.TANDEM_SCREENSHOTS !== '1') return;
  const dir = path.resolve('docs/screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: false });
}

/**
 * Waits until `read()` answers `expected` (what a page shows after its data arrived), failing with the
 * last answer after `ms`. For values playwright's own waits do not cover (a select's value, a row's text).
 */
export async function eventually<T>(read: () => Promise<T>, expected: T | RegExp, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  let last: T | undefined;
  for (;;) {
    last = await read();
    if (expected instanceof RegExp ? expected.test(String(last)) : last === expected) return;
    if (Date.now() > deadline) assert.fail(`${what}: expected ${String(expected)}, still ${String(last)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
