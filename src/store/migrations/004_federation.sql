-- 004 — Linking and federation (spec §8): federations of 2–10 accounts with a policy, membership
-- with consent rounds, the append-only consent record, and the grants one account has on another.
--
-- A federation is shared by its member accounts, so its rows are visible to every account that is or
-- was a member (the admins of the accounts involved); the grant function answers, for one account,
-- what every other account is granted by ACTIVE federations in which BOTH are ACTIVE members, as the
-- union over all such federations. Nothing else grants anything.

CREATE TABLE federations (
  id                  uuid PRIMARY KEY,
  name                text NOT NULL,
  status              text NOT NULL CHECK (status IN ('proposed', 'active', 'dissolved', 'withdrawn', 'declined')),
  -- Every change of membership or (before activation) of policy opens a new round of consent.
  round               integer NOT NULL DEFAULT 1,
  proposed_by_account uuid NOT NULL REFERENCES accounts(id),
  proposed_by_user    uuid,
  preset              text NOT NULL CHECK (preset IN ('linked', 'federated', 'custom')),
  directory           boolean NOT NULL,
  extension_dialing   boolean NOT NULL,
  metered             boolean NOT NULL,
  caller_id_display   text NOT NULL CHECK (caller_id_display IN ('name_extension', 'name_number')),
  share_presence      boolean NOT NULL,
  share_profile_image boolean NOT NULL,
  pager               boolean NOT NULL,
  chat                boolean NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now(),
  activated_at        timestamptz,
  ended_at            timestamptz
);

CREATE TABLE federation_members (
  federation_id   uuid NOT NULL REFERENCES federations(id),
  account_id      uuid NOT NULL REFERENCES accounts(id),
  status          text NOT NULL CHECK (status IN ('pending', 'active', 'left', 'removed', 'declined', 'withdrawn')),
  invited_round   integer NOT NULL,
  consented_round integer,
  joined_at       timestamptz,
  ended_at        timestamptz,
  PRIMARY KEY (federation_id, account_id)
);
CREATE INDEX federation_members_account ON federation_members (account_id, status);

-- The record of every proposal, consent, refusal and departure: who, when, the exact text. Never
-- updated or deleted by the application (no such grant exists).
CREATE TABLE federation_consents (
  id                 uuid PRIMARY KEY,
  federation_id      uuid NOT NULL REFERENCES federations(id),
  account_id         uuid NOT NULL REFERENCES accounts(id),
  actor_type         text NOT NULL,
  actor_id           uuid,
  action             text NOT NULL CHECK (action IN ('propose', 'consent', 'decline', 'withdraw', 'add', 'leave', 'remove', 'dissolve', 'policy')),
  subject_account_id uuid REFERENCES accounts(id),
  round              integer NOT NULL,
  text               text NOT NULL,
  at                 timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX federation_consents_federation ON federation_consents (federation_id, at);

-- Federations the current account is or was part of (a function, so policies need not recurse).
CREATE FUNCTION tandem_my_federations() RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
  $$ SELECT federation_id FROM federation_members WHERE account_id = tandem_account() $$;

ALTER TABLE federations ENABLE ROW LEVEL SECURITY;
CREATE POLICY involved ON federations
  USING (tandem_is_operator() OR proposed_by_account = tandem_account() OR id IN (SELECT tandem_my_federations()))
  WITH CHECK (tandem_is_operator() OR proposed_by_account = tandem_account() OR id IN (SELECT tandem_my_federations()));
GRANT SELECT, INSERT, UPDATE ON federations TO tandem_app;

ALTER TABLE federation_members ENABLE ROW LEVEL SECURITY;
CREATE POLICY involved ON federation_members
  USING (tandem_is_operator() OR account_id = tandem_account() OR federation_id IN (SELECT tandem_my_federations()))
  WITH CHECK (tandem_is_operator() OR account_id = tandem_account() OR federation_id IN (SELECT tandem_my_federations()));
GRANT SELECT, INSERT, UPDATE ON federation_members TO tandem_app;

ALTER TABLE federation_consents ENABLE ROW LEVEL SECURITY;
CREATE POLICY involved ON federation_consents
  USING (tandem_is_operator() OR federation_id IN (SELECT tandem_my_federations()))
  WITH CHECK (account_id = tandem_account() OR tandem_is_operator());
GRANT SELECT, INSERT ON federation_consents TO tandem_app;

-- Account names and SIP domains of the accounts that share a federation with the current one
-- (to show members, Offices and collisions) — nothing more of them.
CREATE FUNCTION tandem_account_card(p_account uuid) RETURNS TABLE (id uuid, name text, sip_domain text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
  $$ SELECT a.id, a.name, a.sip_domain FROM accounts a
      WHERE a.id = p_account
        AND (a.id = tandem_account() OR tandem_is_operator() OR EXISTS (
             SELECT 1 FROM federation_members mine JOIN federation_members theirs ON theirs.federation_id = mine.federation_id
              WHERE mine.account_id = tandem_account() AND theirs.account_id = a.id)) $$;
-- An account named by its SIP domain, for proposing or adding members: its id only.
CREATE FUNCTION tandem_account_by_domain(p_domain text) RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
  $$ SELECT id FROM accounts WHERE lower(sip_domain) = lower(p_domain) $$;

/*
 * What `p_account` is granted on every other account: the union (bool_or) of the policies of the
 * ACTIVE federations in which both are ACTIVE members. Not transitive: only direct co-membership.
 * `show_extension` is true when any granting federation shows name + extension.
 */
CREATE FUNCTION tandem_grants(p_account uuid)
  RETURNS TABLE (account_id uuid, account_name text, directory boolean, extension_dialing boolean, metered boolean,
                 show_extension boolean, share_presence boolean, share_profile_image boolean, pager boolean, chat boolean,
                 federation_ids uuid[], federation_names text[])
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT other.account_id, a.name,
           bool_or(f.directory), bool_or(f.extension_dialing), bool_and(f.metered),
           bool_or(f.caller_id_display = 'name_extension'), bool_or(f.share_presence), bool_or(f.share_profile_image),
           bool_or(f.pager), bool_or(f.chat),
           array_agg(f.id ORDER BY f.name, f.id), array_agg(f.name ORDER BY f.name, f.id)
      FROM federation_members me
      JOIN federations f ON f.id = me.federation_id AND f.status = 'active'
      JOIN federation_members other ON other.federation_id = f.id AND other.account_id <> me.account_id AND other.status = 'active'
      JOIN accounts a ON a.id = other.account_id
     WHERE me.account_id = p_account AND me.status = 'active'
       AND (p_account = tandem_account() OR tandem_is_operator())
     GROUP BY other.account_id, a.name
  $$;

/*
 * For an impact preview (spec §8 "what will stop"): for every pair of active members of
 * `p_federation`, what OTHER active federations still grant between them. Only a member may ask.
 */
CREATE FUNCTION tandem_remaining_links(p_federation uuid)
  RETURNS TABLE (account_a uuid, account_b uuid, directory boolean, extension_dialing boolean)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT x.account_id, y.account_id, coalesce(bool_or(f.directory), false), coalesce(bool_or(f.extension_dialing), false)
      FROM federation_members x
      JOIN federation_members y ON y.federation_id = x.federation_id AND y.account_id > x.account_id AND y.status = 'active'
      LEFT JOIN federation_members fx ON fx.account_id = x.account_id AND fx.status = 'active' AND fx.federation_id <> p_federation
      LEFT JOIN federation_members fy ON fy.account_id = y.account_id AND fy.status = 'active' AND fy.federation_id = fx.federation_id
      LEFT JOIN federations f ON f.id = fy.federation_id AND f.status = 'active'
     WHERE x.federation_id = p_federation AND x.status = 'active'
       AND (tandem_is_operator() OR p_federation IN (SELECT tandem_my_federations()))
     GROUP BY x.account_id, y.account_id
  $$;

/* The other account in which `p_extension` exists, when plain extension dialing would make it collide. */
CREATE FUNCTION tandem_federated_extension_owner(p_account uuid, p_extension text) RETURNS TABLE (account_id uuid, account_name text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT g.account_id, g.account_name FROM tandem_grants(p_account) g
      JOIN extensions x ON x.account_id = g.account_id AND x.extension = p_extension
     WHERE g.extension_dialing
     ORDER BY g.account_name LIMIT 1
  $$;

/*
 * Extensions used in more than one current member account of `p_federation` (spec §8 collisions),
 * with what each points at. Only a member (current or former) may ask.
 */
CREATE FUNCTION tandem_federation_collisions(p_federation uuid)
  RETURNS TABLE (extension text, account_id uuid, account_name text, target_type text, target_id uuid, label text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    WITH members AS (
      SELECT account_id FROM federation_members WHERE federation_id = p_federation AND status IN ('pending', 'active')
    ), dup AS (
      SELECT x.extension FROM extensions x JOIN members m ON m.account_id = x.account_id
       GROUP BY x.extension HAVING count(DISTINCT x.account_id) > 1
    )
    SELECT x.extension, x.account_id, a.name, x.target_type, x.target_id,
           coalesce(u.first_name || ' ' || u.last_name, p.name, x.target_type)
      FROM extensions x
      JOIN members m ON m.account_id = x.account_id
      JOIN dup d ON d.extension = x.extension
      JOIN accounts a ON a.id = x.account_id
      LEFT JOIN users u ON x.target_type = 'user' AND u.id = x.target_id
      LEFT JOIN oa_portals p ON x.target_type = 'oa_portal' AND p.id = x.target_id
     WHERE tandem_is_operator() OR p_federation IN (SELECT tandem_my_federations())
     ORDER BY x.extension, a.name, x.account_id
  $$;

/* How many users each account has, for accounts that share a federation with the current one. */
CREATE FUNCTION tandem_federated_user_counts(p_accounts uuid[]) RETURNS TABLE (account_id uuid, users integer)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT a.id, (SELECT count(*)::int FROM users u WHERE u.account_id = a.id)
      FROM accounts a
     WHERE a.id = ANY(p_accounts)
       AND (a.id = tandem_account() OR tandem_is_operator() OR EXISTS (
            SELECT 1 FROM federation_members mine JOIN federation_members theirs ON theirs.federation_id = mine.federation_id
             WHERE mine.account_id = tandem_account() AND theirs.account_id = a.id))
  $$;

GRANT EXECUTE ON FUNCTION tandem_federation_collisions(uuid), tandem_federated_user_counts(uuid[]) TO tandem_app;

GRANT EXECUTE ON FUNCTION tandem_my_federations(), tandem_account_card(uuid), tandem_account_by_domain(text), tandem_grants(uuid),
  tandem_federated_extension_owner(uuid, text), tandem_remaining_links(uuid) TO tandem_app;
