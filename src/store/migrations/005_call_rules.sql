-- 005 — Outbound call rules and Organization Connect (spec §8 "Organization Connect", §9 outbound).
--
-- A rule belongs to one account: a dial plan (what of the public network its users may dial, see
-- src/domain/call-rules.ts), a country whitelist for the international plan, and an Organization
-- Connect table mapping a prefix (1–4 digits) to a destination account. A user has at most one rule.
--
-- destination_account_id names ANOTHER account. Nothing here reads that account: whether the row is
-- usable (and the destination's name) comes at read time from tandem_grants() (004), so a
-- federation that ends makes the row inactive for the very next read. The prefix tables are the
-- rule's account's data and are walled like every tenant table of 001.

CREATE TABLE call_rules (
  id                uuid PRIMARY KEY,
  account_id        uuid NOT NULL REFERENCES accounts(id),
  name              text NOT NULL,
  dial_plan         text NOT NULL CHECK (dial_plan IN ('internal_only', 'national', 'international')),
  country_whitelist text[] NOT NULL DEFAULT '{}',
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, id),
  CHECK (dial_plan = 'international' OR cardinality(country_whitelist) = 0)
);
CREATE UNIQUE INDEX call_rules_name ON call_rules (account_id, lower(name));

CREATE TABLE call_rule_prefixes (
  account_id             uuid NOT NULL,
  rule_id                uuid NOT NULL,
  prefix                 text NOT NULL CHECK (prefix ~ '^[1-9][0-9]{0,3}$'),
  destination_account_id uuid NOT NULL REFERENCES accounts(id),
  position               smallint NOT NULL,
  PRIMARY KEY (rule_id, prefix),
  UNIQUE (rule_id, position),
  FOREIGN KEY (account_id, rule_id) REFERENCES call_rules (account_id, id) ON DELETE CASCADE,
  CHECK (destination_account_id <> account_id)
);
CREATE INDEX call_rule_prefixes_account ON call_rule_prefixes (account_id, prefix);

-- A user has at most one outbound call rule (the primary key).
CREATE TABLE call_rule_users (
  user_id    uuid PRIMARY KEY,
  account_id uuid NOT NULL,
  rule_id    uuid NOT NULL,
  FOREIGN KEY (account_id, rule_id) REFERENCES call_rules (account_id, id) ON DELETE CASCADE,
  FOREIGN KEY (account_id, user_id) REFERENCES users (account_id, id) ON DELETE CASCADE
);
CREATE INDEX call_rule_users_rule ON call_rule_users (account_id, rule_id);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['call_rules', 'call_rule_prefixes', 'call_rule_users']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant ON %I USING (account_id = tandem_account() OR tandem_is_operator())'
                   ' WITH CHECK (account_id = tandem_account() OR tandem_is_operator())', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO tandem_app', t);
  END LOOP;
END $$;
