-- 003 — Sign-in looks an e-mail up across accounts before any account is known. This function answers
-- that one question (the identity behind an e-mail and its password hash) so sign-in needs neither
-- the operator path nor any wider read of another account's rows.
CREATE FUNCTION tandem_login_identity(p_email text)
  RETURNS TABLE (kind text, id uuid, email text, password_hash text, role text, account_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT 'operator', o.id, o.email, o.password_hash, 'operator', NULL::uuid FROM operators o WHERE lower(o.email) = lower(p_email)
    UNION ALL
    SELECT 'user', u.id, u.email, u.password_hash, u.role, u.account_id FROM users u
     WHERE lower(u.email) = lower(p_email) AND u.password_hash IS NOT NULL
    LIMIT 1
  $$;
GRANT EXECUTE ON FUNCTION tandem_login_identity(text) TO tandem_app;
