/**
 * The admin portal is served by the API server: its index.html at / and at any page path the
 * portal's router handles, its files, while API, docs and health paths keep their own answers.
 * (Run after scripts/build-web.mjs, which the test runner calls.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness } from '../support/harness.ts';

test('the portal is served at / and its page paths; API paths keep problem+json 404s', async () => {
  const h = await harness();
  try {
    for (const url of ['/', '/numbers', '/federations/0190b7c0-0000-7000-8000-000000000000?site=x']) {
      const r = await h.call('GET', url);
      assert.equal(r.status, 200, url);
      assert.match(String(r.headers['content-type']), /^text\/html/, url);
      assert.match(r.text, /<div id="root"><\/div>/, url);
    }
    const script = /src="(\/assets\/[^"]+\.js)"/.exec((await h.call('GET', '/')).text)?.[1];
    assert.ok(script, 'index.html names its script');
    const js = await h.call('GET', script);
    assert.equal(js.status, 200);
    assert.match(String(js.headers['content-type']), /javascript/);
    const api = await h.call('GET', '/v1/no-such-thing', { token: h.operatorToken });
    assert.equal(api.status, 404);
    assert.equal(api.body.code, 'not_found');
    assert.equal((await h.call('GET', '/assets/missing.js')).status, 404);
    assert.equal((await h.call('POST', '/numbers')).status, 404);
    assert.equal((await h.call('GET', '/docs')).status < 400, true);
  } finally {
    await h.close();
  }
});

test('the portal API types are generated from the current OpenAPI document', async () => {
  const { generatedTypes } = await import('../../scripts/gen-api-types.ts');
  const fs = await import('node:fs');
  assert.equal(fs.readFileSync('web/src/api/schema.d.ts', 'utf8'), await generatedTypes(), 'web/src/api/schema.d.ts is stale: run npx tsx scripts/gen-api-types.ts');
});
