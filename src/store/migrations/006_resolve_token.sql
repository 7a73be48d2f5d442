-- 006 — Resolving a bearer token is on every request's path: one function answers the identity it
-- stands for (operator, or user with role, account and a site admin's sites) in one round trip.
CREATE FUNCTION tandem_resolve_token(p_hash text)
  RETURNS TABLE (token_id uuid, operator_id uuid, user_id uuid, account_id uuid, role text, site_ids uuid[], stale boolean)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT t.id, t.operator_id, t.user_id, t.account_id,
           CASE WHEN t.operator_id IS NOT NULL THEN 'operator' ELSE u.role END,
           coalesce((SELECT array_agg(s.site_id ORDER BY s.site_id) FROM site_admin_sites s
                      WHERE s.account_id = u.account_id AND s.user_id = u.id AND u.role = 'site_admin'), '{}'),
           t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute'
      FROM auth_tokens t
      LEFT JOIN users u ON u.id = t.user_id AND u.account_id = t.account_id
     WHERE t.token_hash = p_hash
       AND (t.expires_at IS NULL OR t.expires_at > now())
       AND (t.operator_id IS NOT NULL OR u.id IS NOT NULL)
  $$;
GRANT EXECUTE ON FUNCTION tandem_resolve_token(text) TO tandem_app;
