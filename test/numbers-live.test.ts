/**
 * Live number lists (spec §3 "Refresh … live where the client is connected"): the server-sent event
 * stream of a site's number list, over a real connection. It tells one admin of a change another admin
 * made to the site's numbers, and nothing about other sites. Its access is the list's access, and a
 * closing server ends the stream instead of waiting for the client.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activeNumbers, harness, makeAccount, makeUser, type Harness } from './support/harness.ts';

/** Reads server-sent events from `url` with a bearer token; `next()` resolves with the next event. */
async function listen(base: string, url: string, token: string) {
  const ctrl = new AbortController();
  const res = await fetch(base + url, { headers: { authorization: `Bearer ${token}` }, signal: ctrl.signal });
  const events: { event: string; data: unknown }[] = [];
  const waiters: (() => void)[] = [];
  let ended = false;
  let ready = false;
  if (res.ok && res.body) {
    void (async () => {
      const decoder = new TextDecoder();
      let buf = '';
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buf += decoder.decode(chunk, { stream: true });
          let i: number;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            if (block.includes(': ready')) ready = true;
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (event && data) events.push({ event, data: JSON.parse(data) });
            waiters.splice(0).forEach((w) => w());
          }
        }
      } catch {
        // aborted
      }
      ended = true;
      waiters.splice(0).forEach((w) => w());
    })();
  }
  const until = async (cond: () => boolean, what: string, ms = 5000) => {
    const deadline = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 100);
      });
    }
  };
  return {
    res, events,
    get ended() { return ended; },
    ready: () => until(() => ready, 'the ready comment'),
    waitFor: (pred: (e: { event: string; data: unknown }) => boolean, what: string) => until(() => events.some(pred), what),
    waitEnd: () => until(() => ended, 'the end of the stream'),
    close: () => ctrl.abort(),
  };
}

async function listening(h: Harness): Promise<string> {
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const a = h.app.server.address();
  assert.ok(a && typeof a === 'object');
  return `http://127.0.0.1:${a.port}`;
}

test("a site's number stream tells an admin of other admins' changes at that site only", async () => {
  const h = await harness();
  try {
    const base = await listening(h);
    const t = await makeAccount(h);
    const [n1] = await activeNumbers(h, t, 1);
    const site2 = await h.call('POST', '/v1/sites', { token: t.adminToken, body: { name: 'Second site', timeZone: 'Europe/Berlin', mainNumber: '+4930555' + String(Date.now()).slice(-5) } });
    assert.equal(site2.status, 201, site2.text);
    const [other] = await activeNumbers(h, t, 1, site2.body.id);
    const second = await makeUser(h, t, { role: 'account_admin' });
    const user = await makeUser(h, t, { firstName: 'Live', lastName: 'Listed' });

    const s = await listen(base, `/v1/sites/${t.siteId}/numbers/events`, t.adminToken);
    assert.equal(s.res.status, 200);
    assert.match(String(s.res.headers.get('content-type')), /^text\/event-stream/);
    await s.ready();
    const s2 = await listen(base, `/v1/sites/${site2.body.id}/numbers/events`, t.adminToken);
    await s2.ready();

    // a change at another site is not sent; one at this site is (made by the other admin)
    assert.equal((await h.call('PUT', `/v1/numbers/${other!.id}/display-name`, { token: second.token, body: { line1: 'Other', line2: 'Site' } })).status, 200);
    await s2.waitFor((e) => (e.data as { id: string }).id === other!.id, "the other site's watcher gets it");
    assert.equal((await h.call('PUT', `/v1/numbers/${n1!.id}/assignment`, { token: second.token, body: { userId: user.id } })).status, 200);
    await s.waitFor((e) => e.event === 'number.updated' && (e.data as { id: string }).id === n1!.id, 'the assignment event');
    // renaming the assigned user changes "assigned to": sent as the user's change
    assert.equal((await h.call('PATCH', `/v1/users/${user.id}`, { token: second.token, body: { lastName: 'Renamed' } })).status, 200);
    await s.waitFor((e) => e.event === 'user.updated' && (e.data as { id: string }).id === user.id, 'the rename event');
    // removing the user unassigns the number: a change of the number
    const before = s.events.length;
    assert.equal((await h.call('DELETE', `/v1/users/${user.id}`, { token: second.token })).status, 204);
    await s.waitFor((e) => s.events.indexOf(e) >= before && e.event === 'number.updated' && (e.data as { id: string }).id === n1!.id, 'the unassignment event');
    assert.ok(!s.events.some((e) => (e.data as { id: string }).id === other!.id), 'nothing about the other site');
    assert.ok(!s2.events.some((e) => (e.data as { id: string }).id === n1!.id), 'nor the other way round');

    // one watcher leaving does not stop the others' updates
    s.close();
    await s.waitEnd();
    assert.equal((await h.call('DELETE', `/v1/numbers/${other!.id}/display-name`, { token: second.token })).status, 200);
    await s2.waitFor((e) => e.event === 'number.updated' && (e.data as { id: string }).id === other!.id && s2.events.filter((x) => (x.data as { id: string }).id === other!.id).length === 2, 'the second change at site 2');

    // the server closing ends the stream rather than waiting for the client
    const closing = h.app.close();
    await s2.waitEnd();
    await closing;
  } finally {
    await h.close().catch(() => undefined);
  }
});

test("the stream has the list's access: other accounts and other sites' admins get 404, no token 401", async () => {
  const h = await harness();
  try {
    const base = await listening(h);
    const a = await makeAccount(h);
    const b = await makeAccount(h);
    const site2 = await h.call('POST', '/v1/sites', { token: a.adminToken, body: { name: 'Admin site', timeZone: 'Europe/Berlin', mainNumber: '+4930556' + String(Date.now()).slice(-5) } });
    const sa = await makeUser(h, a, { siteId: site2.body.id, role: 'site_admin' });
    assert.equal((await h.call('PATCH', `/v1/users/${sa.id}`, { token: a.adminToken, body: { adminSiteIds: [site2.body.id] } })).status, 200);
    const plain = await makeUser(h, a);
    for (const [token, status] of [[b.adminToken, 404], [sa.token, 404], [plain.token, 403], ['', 401]] as const) {
      const s = await listen(base, `/v1/sites/${a.siteId}/numbers/events`, token);
      assert.equal(s.res.status, status, `token ${token.slice(0, 6)}`);
      assert.match(String(s.res.headers.get('content-type')), /problem\+json/);
      s.close();
    }
    // the site admin does get their own site's stream
    const own = await listen(base, `/v1/sites/${site2.body.id}/numbers/events`, sa.token);
    assert.equal(own.res.status, 200);
    own.close();
  } finally {
    await h.close();
  }
});
