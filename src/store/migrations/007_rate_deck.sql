-- 007 — The operator's rate deck (spec §12): E.164 digit prefix → per-minute price and per-call setup.
-- Prices are in minor units of 1/10,000 of the currency unit (so 0.0123 per minute is 123).
CREATE TABLE rate_deck (
  prefix       text PRIMARY KEY CHECK (prefix ~ '^[0-9]{1,15}$'),
  description  text NOT NULL DEFAULT '',
  per_minute   integer NOT NULL CHECK (per_minute >= 0),
  setup        integer NOT NULL DEFAULT 0 CHECK (setup >= 0),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
-- Platform data: the application reads it (to rate calls); the operator path writes it.
GRANT SELECT, INSERT, UPDATE, DELETE ON rate_deck TO tandem_app;
