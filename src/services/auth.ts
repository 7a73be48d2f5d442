/**
 * Identities (spec §1): operators and account users sign in with e-mail + password (argon2id) and get
 * a session token; API tokens serve automation. Tokens are stored only as SHA-256 hashes.
 */
import { AppError } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { hashSecret, newToken, randomString, tokenHash, verifySecret } from '../domain/secrets.ts';
import type { Actor, Ctx, Role, Services } from './context.ts';
import { inAccount } from './context.ts';

/** Resolves a bearer token to the identity it stands for, or null (unknown, expired, user deleted). */
export async function resolveToken(s: Services, token: string): Promise<(Actor & { tokenId: string }) | null> {
  const row = await s.db.identity(async (sql) => {
    const r = (await sql.query<{ token_id: string; operator_id: string | null; user_id: string | null; account_id: string | null; role: Role; site_ids: string[]; stale: boolean }>(
      `SELECT * FROM tandem_resolve_token($1)`, [tokenHash(token)]))[0];
    if (r?.stale) await sql.query(`UPDATE auth_tokens SET last_used_at = now() WHERE id = $1`, [r.token_id]);
    return r ?? null;
  });
  if (!row) return null;
  if (row.operator_id) return { type: 'operator', id: row.operator_id, role: 'operator', accountId: null, siteIds: [], tokenId: row.token_id };
  return { type: 'user', id: row.user_id, role: row.role, accountId: row.account_id, siteIds: row.site_ids, tokenId: row.token_id };
}

export interface LoginResult {
  token: string;
  expiresAt: string;
  identity: { type: 'operator' | 'user'; id: string; role: Role; accountId: string | null; email: string };
}

/** Portal sign-in. The same answer for an unknown e-mail and a wrong password. */
export async function login(s: Services, email: string, password: string): Promise<LoginResult> {
  const found = (await s.db.identity((sql) =>
    sql.query<{ kind: 'operator' | 'user'; id: string; email: string; password_hash: string; role: Role; account_id: string | null }>(
      `SELECT * FROM tandem_login_identity($1)`, [email])))[0];
  // Hash anyway when nobody matched, so timing does not tell whether an address exists.
  const ok = found ? await verifySecret(found.password_hash, password) : (await hashSecret(password), false);
  if (!found || !ok) throw new AppError('invalid_credentials', 'E-mail or password is wrong', 'password');
  const token = newToken('tds');
  const expiresAt = new Date(Date.now() + s.config.sessionTtlHours * 3600_000).toISOString();
  await s.db.identity((sql) =>
    sql.query(`INSERT INTO auth_tokens (id, token_hash, kind, operator_id, user_id, account_id, expires_at) VALUES ($1, $2, 'session', $3, $4, $5, $6)`,
      [newId(), tokenHash(token), found.kind === 'operator' ? found.id : null, found.kind === 'user' ? found.id : null, found.account_id, expiresAt]),
  );
  return { token, expiresAt, identity: { type: found.kind, id: found.id, role: found.role, accountId: found.account_id, email: found.email } };
}

export async function logout(s: Services, tokenId: string): Promise<void> {
  await s.db.identity((sql) => sql.query(`DELETE FROM auth_tokens WHERE id = $1 AND kind = 'session'`, [tokenId]));
}

export interface ApiToken { id: string; name: string; createdAt: string; lastUsedAt: string | null; expiresAt: string | null }

const identityColumn = (ctx: Ctx): [string, string] => {
  if (ctx.actor.type === 'operator' && ctx.actor.id) return ['operator_id', ctx.actor.id];
  if (ctx.actor.type === 'user' && ctx.actor.id) return ['user_id', ctx.actor.id];
  throw new AppError('forbidden', 'Only a signed-in identity has API tokens');
};

const toApiToken = (r: Record<string, unknown>): ApiToken => ({
  id: r.id as string, name: r.name as string, createdAt: new Date(r.created_at as string).toISOString(),
  lastUsedAt: r.last_used_at ? new Date(r.last_used_at as string).toISOString() : null,
  expiresAt: r.expires_at ? new Date(r.expires_at as string).toISOString() : null,
});

/** Creates an API token acting as the caller; the token is returned this once and never again. */
export async function createApiToken(ctx: Ctx, name: string, expiresInDays: number | null): Promise<ApiToken & { token: string }> {
  const [col, id] = identityColumn(ctx);
  const token = newToken('tdk');
  const tokenId = newId();
  const expiresAt = expiresInDays ? new Date(Date.now() + expiresInDays * 86400_000).toISOString() : null;
  const write = async (sql: import('../store/db.ts').Sql) => {
    const rows = await sql.query(
      `INSERT INTO auth_tokens (id, token_hash, kind, name, ${col}, account_id, expires_at) VALUES ($1, $2, 'api', $3, $4, $5, $6)
       RETURNING id, name, created_at, last_used_at, expires_at`,
      [tokenId, tokenHash(token), name, id, ctx.actor.accountId, expiresAt],
    );
    return toApiToken(rows[0]!);
  };
  const created = ctx.actor.accountId
    ? await inAccount(ctx, async (tx) => {
        const t = await write(tx.sql);
        await tx.audit({ action: 'api_token.create', targetType: 'api_token', targetId: t.id, after: t });
        return t;
      })
    : await ctx.db.operator(async (sql) => {
        const t = await write(sql);
        await sql.query(`INSERT INTO audit_log (id, account_id, actor_type, actor_id, action, target_type, target_id, after, request_id)
                         VALUES ($1, NULL, $2, $3, 'api_token.create', 'api_token', $4, $5, $6)`,
          [newId(), ctx.actor.type, ctx.actor.id, t.id, JSON.stringify(t), ctx.requestId]);
        return t;
      });
  return { ...created, token };
}

export async function listApiTokens(ctx: Ctx): Promise<ApiToken[]> {
  const [col, id] = identityColumn(ctx);
  const rows = await ctx.db.identity((sql) =>
    sql.query(`SELECT id, name, created_at, last_used_at, expires_at FROM auth_tokens WHERE kind = 'api' AND ${col} = $1 ORDER BY id`, [id]));
  return rows.map(toApiToken);
}

export async function revokeApiToken(ctx: Ctx, tokenId: string): Promise<void> {
  const [col, id] = identityColumn(ctx);
  const gone = await ctx.db.identity((sql) =>
    sql.query(`DELETE FROM auth_tokens WHERE kind = 'api' AND id = $1 AND ${col} = $2 RETURNING id, name`, [tokenId, id]));
  if (gone.length === 0) throw new AppError('not_found', 'API token was not found');
}

/**
 * First start: creates the operator. Returns the generated password when none was configured
 * (printed once by the caller), or null when the operator exists already or the password was given.
 */
export async function ensureOperator(s: Services): Promise<{ email: string; generatedPassword: string | null; created: boolean }> {
  const email = s.config.operatorEmail;
  const exists = await s.db.operator((sql) => sql.query(`SELECT id FROM operators WHERE lower(email) = lower($1)`, [email]));
  if (exists.length > 0) return { email, generatedPassword: null, created: false };
  const password = s.config.operatorPassword ?? randomString(20);
  const hash = await hashSecret(password);
  await s.db.operator(async (sql) => {
    const id = newId();
    await sql.query(`INSERT INTO operators (id, email, name, password_hash) VALUES ($1, $2, 'Operator', $3)`, [id, email, hash]);
    await sql.query(`INSERT INTO audit_log (id, account_id, actor_type, actor_id, action, target_type, target_id, after, request_id)
                     VALUES ($1, NULL, 'system', NULL, 'operator.create', 'operator', $2, $3, 'first-start')`, [newId(), id, JSON.stringify({ email })]);
  });
  return { email, generatedPassword: s.config.operatorPassword ? null : password, created: true };
}
