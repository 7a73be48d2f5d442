-- 009 — The SIP service (spec §10, issue 5): registrations that survive a restart and the operator's
-- carrier trunks. (Authentication bans live in memory: they are short and per instance.)

-- One row per registered contact of a device (RFC 3261 §10.3: an address-of-record may have several
-- contacts). The registrar keeps them in memory and writes every change here before it answers 200,
-- so a registration acknowledged to a phone survives a SIGKILL of the server. `source_*` is where
-- the REGISTER came from (RFC 3581 received/rport: the NAT-side address the phone is reached on).
CREATE TABLE sip_registrations (
  account_id      uuid NOT NULL REFERENCES accounts(id),
  device_id       uuid NOT NULL,
  contact         text NOT NULL,
  call_id         text NOT NULL,
  cseq            bigint NOT NULL,
  expires_at      timestamptz NOT NULL,
  q               real,
  instance_id     text,
  user_agent      text NOT NULL DEFAULT '',
  transport       text NOT NULL CHECK (transport IN ('UDP', 'TCP', 'TLS', 'WS', 'WSS')),
  source_address  text NOT NULL,
  source_port     integer NOT NULL CHECK (source_port BETWEEN 1 AND 65535),
  registered_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, device_id, contact),
  FOREIGN KEY (account_id, device_id) REFERENCES devices (account_id, id) ON DELETE CASCADE
);
CREATE INDEX sip_registrations_expiry ON sip_registrations (expires_at);
ALTER TABLE sip_registrations ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON sip_registrations USING (account_id = tandem_account() OR tandem_is_operator())
  WITH CHECK (account_id = tandem_account() OR tandem_is_operator());
GRANT SELECT, INSERT, UPDATE, DELETE ON sip_registrations TO tandem_app;

-- Carrier trunks (spec §10): outbound gateways in priority order (lower first; failover on 5xx or
-- timeout) and the addresses trusted to send calls in. The password answers the carrier's digest
-- challenge, so it is stored as given; the API never returns it.
CREATE TABLE sip_trunks (
  id                 uuid PRIMARY KEY,
  name               text NOT NULL,
  host               text NOT NULL,
  port               integer NOT NULL CHECK (port BETWEEN 1 AND 65535),
  transport          text NOT NULL CHECK (transport IN ('UDP', 'TCP', 'TLS')),
  username           text,
  password           text,
  priority           integer NOT NULL DEFAULT 100 CHECK (priority BETWEEN 0 AND 1000),
  enabled            boolean NOT NULL DEFAULT true,
  inbound_addresses  text[] NOT NULL DEFAULT '{}',
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  CHECK ((username IS NULL) = (password IS NULL))
);
CREATE UNIQUE INDEX sip_trunks_name ON sip_trunks (lower(name));
ALTER TABLE sip_trunks ENABLE ROW LEVEL SECURITY;
CREATE POLICY operator_only ON sip_trunks USING (tandem_is_operator()) WITH CHECK (tandem_is_operator());
GRANT SELECT, INSERT, UPDATE, DELETE ON sip_trunks TO tandem_app;
