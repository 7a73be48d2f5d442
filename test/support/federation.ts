/** Builders for federation tests: propose through the API and consent as every member's admin. */
import assert from 'node:assert/strict';
import { uniq, type Harness, type TenantFixture } from './harness.ts';

/** Gives each account's admin a distinct extension, so plain extension dialing has no collisions. */
export async function distinctAdminExtensions(h: Harness, accounts: TenantFixture[]): Promise<void> {
  for (const t of accounts) {
    const r = await h.call('PATCH', `/v1/users/${t.adminId}`, { token: t.adminToken, body: { extension: String(5000 + (uniq() % 4000)) } });
    assert.equal(r.status, 200, r.text);
  }
}

export async function propose(h: Harness, by: TenantFixture, others: TenantFixture[], body: Record<string, unknown> = {}): Promise<string> {
  const r = await h.call('POST', '/v1/federations', { token: by.adminToken, body: { name: `Federation ${uniq()}`, memberSipDomains: others.map((o) => o.domain), ...body } });
  assert.equal(r.status, 201, r.text);
  return r.body.id as string;
}

export async function consentAs(h: Harness, t: TenantFixture, federationId: string): Promise<{ status: number; body: any; text: string }> { // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON answer
  const text = await h.call('GET', `/v1/federations/${federationId}/consent-text`, { token: t.adminToken });
  assert.equal(text.status, 200, text.text);
  return h.call('POST', `/v1/federations/${federationId}/consent`, { token: t.adminToken, body: { text: text.body.text } });
}

/** Proposes (by the first account) and has every account consent; returns the active federation's id. */
export async function federate(h: Harness, accounts: TenantFixture[], body: Record<string, unknown> = {}): Promise<string> {
  const [first, ...rest] = accounts;
  const id = await propose(h, first!, rest, body);
  for (const t of accounts) {
    const r = await consentAs(h, t, id);
    assert.equal(r.status, 200, r.text);
  }
  const f = await h.call('GET', `/v1/federations/${id}`, { token: first!.adminToken });
  assert.equal(f.body.status, 'active', f.text);
  return id;
}

/** What `t` is granted, per other account id. */
export async function grants(h: Harness, t: TenantFixture): Promise<Map<string, Record<string, unknown>>> {
  const r = await h.call('GET', '/v1/federation-grants', { token: t.adminToken });
  assert.equal(r.status, 200, r.text);
  return new Map((r.body.items as Record<string, unknown>[]).map((g) => [g.accountId as string, g]));
}
