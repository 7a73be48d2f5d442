-- 002 — Handsets (spec §6): platform-wide Phone ID look-ups answered without exposing another
-- account's row, the server secret that signs HTTP Digest nonces of device authentication, and the
-- index the stale handset-login sweeper reads.

-- A Phone ID identifies one physical phone across the platform: yes/no only.
CREATE FUNCTION tandem_phone_id_taken(p_phone_id text, p_except uuid) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
  $$ SELECT EXISTS (SELECT 1 FROM devices WHERE upper(phone_id) = upper(p_phone_id) AND id IS DISTINCT FROM p_except) $$;

-- A phone fetching its configuration names only its Phone ID; this tells which account to open (the
-- phone then proves its credentials inside that account). Answers the account id and nothing else.
CREATE FUNCTION tandem_device_account(p_phone_id text) RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
  $$ SELECT account_id FROM devices WHERE upper(phone_id) = upper(p_phone_id) $$;

GRANT EXECUTE ON FUNCTION tandem_phone_id_taken(text, uuid), tandem_device_account(text) TO tandem_app;

-- Server-wide secrets (random, created by the first instance that needs one, shared by all instances).
CREATE TABLE server_secrets (
  name        text PRIMARY KEY,
  value       text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT ON server_secrets TO tandem_app;

CREATE INDEX numbers_pending ON numbers (pending_since) WHERE status = 'pending';
