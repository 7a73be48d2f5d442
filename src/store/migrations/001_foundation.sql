-- 001 — Foundation: tenancy (spec §2), numbers (§3), number features (§4), PINs (§5),
-- handsets (§6), Office Anywhere configuration (§7), identities, audit and idempotency.
--
-- Every tenant table carries account_id and is guarded by row-level security: the application
-- runs each transaction as the non-owner role tandem_app with the account set by
-- `SET LOCAL tandem.account_id`; operator-wide work sets `tandem.operator` on an explicit path.

DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tandem_app') THEN
    CREATE ROLE tandem_app NOLOGIN;
  END IF;
END $$;

CREATE FUNCTION tandem_account() RETURNS uuid LANGUAGE sql STABLE AS
  $$ SELECT nullif(current_setting('tandem.account_id', true), '')::uuid $$;
CREATE FUNCTION tandem_is_operator() RETURNS boolean LANGUAGE sql STABLE AS
  $$ SELECT coalesce(current_setting('tandem.operator', true), '') = 'on' $$;

CREATE TABLE operators (
  id            uuid PRIMARY KEY,
  email         text NOT NULL,
  name          text NOT NULL,
  password_hash text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX operators_email ON operators (lower(email));

CREATE TABLE accounts (
  id                 uuid PRIMARY KEY,
  name               text NOT NULL,
  country            char(2) NOT NULL,
  ext_min_length     smallint NOT NULL DEFAULT 3 CHECK (ext_min_length BETWEEN 2 AND 6),
  ext_max_length     smallint NOT NULL DEFAULT 4 CHECK (ext_max_length BETWEEN 2 AND 6),
  sip_domain         text NOT NULL,
  intl_whitelist     text[],            -- NULL: every country may be called; else ISO codes
  premium_allowed    boolean NOT NULL DEFAULT false,
  created_at         timestamptz NOT NULL DEFAULT now(),
  CHECK (ext_min_length <= ext_max_length)
);
CREATE UNIQUE INDEX accounts_sip_domain ON accounts (lower(sip_domain));
CREATE UNIQUE INDEX accounts_name ON accounts (lower(name));

CREATE TABLE sites (
  id          uuid PRIMARY KEY,
  account_id  uuid NOT NULL REFERENCES accounts(id),
  name        text NOT NULL,
  time_zone   text NOT NULL,
  address     text NOT NULL DEFAULT '',
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, id)
);
CREATE UNIQUE INDEX sites_name ON sites (account_id, lower(name));

CREATE TABLE users (
  id               uuid PRIMARY KEY,
  account_id       uuid NOT NULL REFERENCES accounts(id),
  site_id          uuid NOT NULL,
  first_name       text NOT NULL,
  last_name        text NOT NULL,
  email            text NOT NULL,
  role             text NOT NULL CHECK (role IN ('account_admin', 'site_admin', 'user')),
  password_hash    text,
  oa_enabled       boolean NOT NULL DEFAULT false,
  profile_image_url text,
  presence         text NOT NULL DEFAULT 'offline',
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, id),
  FOREIGN KEY (account_id, site_id) REFERENCES sites (account_id, id)
);
CREATE UNIQUE INDEX users_email ON users (lower(email));
CREATE INDEX users_account_name ON users (account_id, lower(last_name), lower(first_name), id);

-- Site admins administer only the sites given to them.
CREATE TABLE site_admin_sites (
  account_id uuid NOT NULL,
  user_id    uuid NOT NULL,
  site_id    uuid NOT NULL,
  PRIMARY KEY (user_id, site_id),
  FOREIGN KEY (account_id, user_id) REFERENCES users (account_id, id) ON DELETE CASCADE,
  FOREIGN KEY (account_id, site_id) REFERENCES sites (account_id, id)
);

-- One directory of extensions per account (spec §2: an extension points at a user, an Office
-- Anywhere portal number or another routable target); uniqueness lives here, once.
CREATE TABLE extensions (
  account_id  uuid NOT NULL REFERENCES accounts(id),
  extension   text NOT NULL,
  target_type text NOT NULL CHECK (target_type IN ('user', 'oa_portal', 'voicemail_pilot', 'ring_group')),
  target_id   uuid NOT NULL,
  PRIMARY KEY (account_id, extension),
  UNIQUE (target_type, target_id)
);

CREATE TABLE numbers (
  id             uuid PRIMARY KEY,
  account_id     uuid NOT NULL REFERENCES accounts(id),
  site_id        uuid NOT NULL,
  e164           text NOT NULL,
  status         text NOT NULL CHECK (status IN ('reserved', 'active', 'pending')),
  is_main        boolean NOT NULL DEFAULT false,
  pending_action text,
  pending_since  timestamptz,
  user_id        uuid,
  display_line1  text,
  display_line2  text,
  default_pin    text NOT NULL,
  pin_hash       text,
  pin_failures   smallint NOT NULL DEFAULT 0,
  pin_locked     boolean NOT NULL DEFAULT false,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, id),
  FOREIGN KEY (account_id, site_id) REFERENCES sites (account_id, id),
  FOREIGN KEY (account_id, user_id) REFERENCES users (account_id, id)
);
CREATE UNIQUE INDEX numbers_e164 ON numbers (e164);
CREATE UNIQUE INDEX numbers_user ON numbers (user_id) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX numbers_main ON numbers (site_id) WHERE is_main;
CREATE INDEX numbers_site ON numbers (account_id, site_id, e164);

CREATE TABLE number_features (
  number_id              uuid PRIMARY KEY,
  account_id             uuid NOT NULL,
  forward_always         text,          -- E.164 destination, NULL when off
  forward_busy           text,
  forward_no_answer      text,
  no_answer_ring_seconds smallint NOT NULL DEFAULT 18 CHECK (no_answer_ring_seconds BETWEEN 6 AND 120),
  voicemail              boolean NOT NULL DEFAULT true,
  voicemail_to_email     text,          -- address, NULL when off
  hide_caller_id         boolean NOT NULL DEFAULT false,
  call_waiting           boolean NOT NULL DEFAULT true,
  do_not_disturb         boolean NOT NULL DEFAULT false,
  cli_number             text,          -- E.164 presented, NULL when CLI off
  auth_code_hash         text,          -- argon2id, NULL when authorization code off
  FOREIGN KEY (account_id, number_id) REFERENCES numbers (account_id, id) ON DELETE CASCADE,
  CHECK (NOT (forward_busy IS NOT NULL AND call_waiting)),
  CHECK (NOT (auth_code_hash IS NOT NULL AND (forward_always IS NOT NULL OR forward_busy IS NOT NULL OR forward_no_answer IS NOT NULL)))
);

CREATE TABLE devices (
  id            uuid PRIMARY KEY,
  account_id    uuid NOT NULL REFERENCES accounts(id),
  site_id       uuid NOT NULL,
  phone_id      text NOT NULL,
  model         text NOT NULL DEFAULT '',
  name          text NOT NULL DEFAULT '',
  sip_username  text NOT NULL,
  ha1_md5       text NOT NULL,
  ha1_sha256    text NOT NULL,
  number_id     uuid,
  last_provisioned_at timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, id),
  FOREIGN KEY (account_id, site_id) REFERENCES sites (account_id, id),
  FOREIGN KEY (account_id, number_id) REFERENCES numbers (account_id, id)
);
CREATE UNIQUE INDEX devices_phone_id ON devices (upper(phone_id));
CREATE UNIQUE INDEX devices_sip_username ON devices (account_id, sip_username);
CREATE UNIQUE INDEX devices_number ON devices (number_id) WHERE number_id IS NOT NULL;

CREATE TABLE oa_portals (
  id          uuid PRIMARY KEY,
  account_id  uuid NOT NULL REFERENCES accounts(id),
  number_id   uuid NOT NULL,
  name        text NOT NULL,
  scope       text NOT NULL CHECK (scope IN ('account', 'site')),
  site_id     uuid,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, id),
  FOREIGN KEY (account_id, number_id) REFERENCES numbers (account_id, id),
  FOREIGN KEY (account_id, site_id) REFERENCES sites (account_id, id),
  CHECK ((scope = 'site') = (site_id IS NOT NULL))
);
CREATE UNIQUE INDEX oa_portals_number ON oa_portals (number_id);

CREATE TABLE alternate_phones (
  id          uuid PRIMARY KEY,
  account_id  uuid NOT NULL,
  user_id     uuid NOT NULL,
  e164        text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('mobile', 'landline', 'other')),
  label       text NOT NULL DEFAULT '',
  active      boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (account_id, user_id) REFERENCES users (account_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX alternate_phones_user_number ON alternate_phones (user_id, e164);

-- Authentication: session and API tokens are stored as SHA-256 of the token.
CREATE TABLE auth_tokens (
  id            uuid PRIMARY KEY,
  token_hash    text NOT NULL UNIQUE,
  kind          text NOT NULL CHECK (kind IN ('session', 'api')),
  name          text NOT NULL DEFAULT '',
  operator_id   uuid REFERENCES operators(id) ON DELETE CASCADE,
  user_id       uuid REFERENCES users(id) ON DELETE CASCADE,
  account_id    uuid REFERENCES accounts(id),
  expires_at    timestamptz,
  last_used_at  timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  CHECK ((operator_id IS NULL) <> (user_id IS NULL))
);

CREATE TABLE audit_log (
  id           uuid PRIMARY KEY,
  account_id   uuid REFERENCES accounts(id),
  actor_type   text NOT NULL,
  actor_id     uuid,
  action       text NOT NULL,
  target_type  text NOT NULL,
  target_id    text,
  before       jsonb,
  after        jsonb,
  request_id   text,
  at           timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX audit_log_account ON audit_log (account_id, id DESC);

CREATE TABLE idempotency_keys (
  scope          text NOT NULL,         -- account id (or 'platform') + identity id
  key            text NOT NULL,
  account_id     uuid,
  request_hash   text NOT NULL,
  status_code    smallint NOT NULL,
  response       jsonb,
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, key)
);

-- Row-level security: the second wall behind the repositories' explicit account filter.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['sites', 'users', 'site_admin_sites', 'extensions', 'numbers', 'number_features',
                           'devices', 'oa_portals', 'alternate_phones']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant ON %I USING (account_id = tandem_account() OR tandem_is_operator())'
                   ' WITH CHECK (account_id = tandem_account() OR tandem_is_operator())', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO tandem_app', t);
  END LOOP;
END $$;

ALTER TABLE accounts ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON accounts USING (id = tandem_account() OR tandem_is_operator())
  WITH CHECK (tandem_is_operator() OR id = tandem_account());
GRANT SELECT, INSERT, UPDATE ON accounts TO tandem_app;

ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON audit_log USING (account_id = tandem_account() OR tandem_is_operator())
  WITH CHECK (account_id = tandem_account() OR tandem_is_operator());
GRANT SELECT, INSERT ON audit_log TO tandem_app;   -- never UPDATE or DELETE: the log is append-only

-- Identity tables are looked up before an account is known (login, token check).
GRANT SELECT, INSERT, UPDATE, DELETE ON operators, auth_tokens, idempotency_keys TO tandem_app;

-- Platform-wide uniqueness answered yes/no across accounts, without exposing the other account's row:
-- an e-mail signs in exactly one identity; a number (E.164) belongs to at most one account.
CREATE FUNCTION tandem_email_taken(p_email text, p_except uuid) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
  $$ SELECT EXISTS (SELECT 1 FROM users WHERE lower(email) = lower(p_email) AND id IS DISTINCT FROM p_except)
         OR EXISTS (SELECT 1 FROM operators WHERE lower(email) = lower(p_email)) $$;
CREATE FUNCTION tandem_number_taken(p_e164 text) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
  $$ SELECT EXISTS (SELECT 1 FROM numbers WHERE e164 = p_e164) $$;
GRANT EXECUTE ON FUNCTION tandem_email_taken(text, uuid), tandem_number_taken(text) TO tandem_app;
