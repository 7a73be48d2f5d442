-- 008 — Call records (spec §9 last paragraph, §12): the call log and the invoice's source.
--
-- One row per LEG per account. A call inside one account is one leg; a call that crosses linked or
-- federated accounts has a leg in each account, and the legs share one interaction_id — each
-- account sees only its own legs (row-level security, like every tenant table of 001). The parties
-- are copied at the time of the call (names, office, extension, number as that account may see them),
-- so the log stays readable after users, numbers or federations change; user ids are therefore plain
-- columns, not foreign keys (deleting a user keeps their call history).
--
-- The rating is stored with the leg (cost and the rate used, in 1/10,000 currency units like the rate
-- deck of 007), so an invoice never changes when the deck is replaced later.
--
-- Call records ARE the record of a call: they are written once and never updated or deleted by the
-- application (no audit row either — see services/call-records.ts).

CREATE TABLE call_records (
  id                      uuid PRIMARY KEY,
  account_id              uuid NOT NULL REFERENCES accounts(id),
  interaction_id          uuid NOT NULL,
  direction               text NOT NULL CHECK (direction IN ('outbound', 'inbound', 'internal')),
  -- The account's own party of the leg (the caller of an outbound or internal leg, the callee of an
  -- inbound one), and the site it belongs to (site admins see their sites' legs).
  user_id                 uuid,
  site_id                 uuid,
  from_account_id         uuid,
  from_office             text,
  from_user_id            uuid,
  from_name               text,
  from_extension          text,
  from_number             text,
  to_account_id           uuid,
  to_office               text,
  to_user_id              uuid,
  to_name                 text,
  to_extension            text,
  to_number               text,
  route_class             text CHECK (route_class IN ('feature_code', 'emergency', 'own_extension', 'org_connect', 'main_star_extension', 'linked_extension',
                                                      'on_net_number', 'public_national', 'public_international', 'public_premium')),
  metering_class          text NOT NULL CHECK (metering_class IN ('on_net_own', 'on_net_linked', 'on_net_federated', 'emergency', 'local', 'national',
                                                                  'international', 'premium', 'none')),
  started_at              timestamptz NOT NULL,
  answered_at             timestamptz,
  ended_at                timestamptz NOT NULL,
  duration_seconds        integer NOT NULL CHECK (duration_seconds >= 0),
  result                  text NOT NULL CHECK (result IN ('answered', 'busy', 'no_answer', 'failed', 'rejected', 'voicemail', 'cancelled')),
  is_office_anywhere_leg  boolean NOT NULL DEFAULT false,
  -- Rating (spec §12): billed per started minute; the public number rated and its country.
  rated_number            text,
  rated_country           text,
  billed_minutes          integer NOT NULL DEFAULT 0 CHECK (billed_minutes >= 0),
  cost                    integer NOT NULL DEFAULT 0 CHECK (cost >= 0),
  rate_prefix             text,
  rate_description        text,
  rate_per_minute         integer CHECK (rate_per_minute >= 0),
  rate_setup              integer CHECK (rate_setup >= 0),
  unrated                 boolean NOT NULL DEFAULT false,
  created_at              timestamptz NOT NULL DEFAULT now(),
  CHECK (ended_at >= started_at),
  CHECK (answered_at IS NULL OR (answered_at >= started_at AND answered_at <= ended_at))
);
CREATE INDEX call_records_account_started ON call_records (account_id, started_at DESC, id DESC);
CREATE INDEX call_records_user_started ON call_records (account_id, user_id, started_at DESC, id DESC);
-- The callee of an internal leg sees it in their log too.
CREATE INDEX call_records_to_user_started ON call_records (account_id, to_user_id, started_at DESC, id DESC) WHERE direction = 'internal';
CREATE INDEX call_records_interaction ON call_records (account_id, interaction_id);

ALTER TABLE call_records ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON call_records USING (account_id = tandem_account() OR tandem_is_operator())
  WITH CHECK (account_id = tandem_account() OR tandem_is_operator());
-- Written once, read many times: never UPDATE or DELETE (like the audit log).
GRANT SELECT, INSERT ON call_records TO tandem_app;
