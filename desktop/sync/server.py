"""Setting up the team server: Rapport's schema in a PostgreSQL database an IT department has
made, a group role its members' logins belong to, and one login role per member.

`server init` is idempotent: run again, it upgrades an older server and changes nothing on a
current one; two run at once wait for each other. A server set up by a newer Rapport is refused,
untouched. Every value reaches PostgreSQL as a parameter or a quoted identifier or literal.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

import psycopg
from psycopg import sql

from desktop.sync.connection import ServerError, connect, said_in_one_line
from models.schema import SYNCED_KINDS
from models.sync.outbox import GONE
from models.sync.rules import LATEST_FIELDS, REMOVABLE_KINDS, SECRET_FIELDS

MIN_PASSWORD = 10  # characters: a login that reaches the team's register
LOGIN_LIMIT = 63  # PostgreSQL's longest name
_LOCK = 7_465_121  # an advisory lock: one `server init` at a time

# The server's schema in numbered steps: step N takes a server from protocol N-1 to N. A step
# is frozen once released (like the laptop's migrations); each runs whole, in init's locked
# transaction. The functions are installed afresh by every init, after the steps.
_STEP_1 = """
CREATE SCHEMA IF NOT EXISTS rapport;
CREATE TABLE IF NOT EXISTS rapport.meta (
    key text PRIMARY KEY,
    value text NOT NULL
);
CREATE TABLE IF NOT EXISTS rapport.member (
    id uuid PRIMARY KEY,
    login text NOT NULL UNIQUE,
    name text NOT NULL,
    email text NOT NULL DEFAULT '',
    role text NOT NULL DEFAULT 'team member',
    confidential boolean NOT NULL DEFAULT false,
    record uuid UNIQUE,  -- the team member record this login is, once a laptop has said
    created_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz
);
CREATE UNIQUE INDEX IF NOT EXISTS member_name ON rapport.member (lower(name));
CREATE TABLE IF NOT EXISTS rapport.kind (
    name text PRIMARY KEY
);
-- how a field merges where it is not by base value: 'latest' (the last push wins: time
-- stamps, and dates every laptop derives again from the same rules)
CREATE TABLE IF NOT EXISTS rapport.field_rule (
    kind text NOT NULL,
    field text NOT NULL,
    rule text NOT NULL,
    PRIMARY KEY (kind, field)
);
CREATE TABLE IF NOT EXISTS rapport.counter (
    name text PRIMARY KEY,
    value bigint NOT NULL
);
INSERT INTO rapport.counter (name, value) VALUES ('change', 0) ON CONFLICT (name) DO NOTHING;
CREATE TABLE IF NOT EXISTS rapport.record (
    kind text NOT NULL,
    id uuid NOT NULL,
    version bigint NOT NULL,
    fields jsonb NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE TABLE IF NOT EXISTS rapport.change (
    seq bigint PRIMARY KEY,
    kind text NOT NULL,
    id uuid NOT NULL,
    fields jsonb NOT NULL,
    member uuid,
    at timestamptz NOT NULL DEFAULT now(),
    push_id uuid NOT NULL
);
CREATE INDEX IF NOT EXISTS change_record ON rapport.change (kind, id, seq);
CREATE TABLE IF NOT EXISTS rapport.push (
    member uuid NOT NULL,
    push_id uuid NOT NULL,
    digest text NOT NULL,
    at timestamptz NOT NULL DEFAULT now(),
    result jsonb NOT NULL,
    PRIMARY KEY (member, push_id)
);
-- a confidential complaint's details (and its timeline's and audit entries' words), apart,
-- under row-level security: only members with the confidential role read them, and only a
-- push (running as the tables' owner) writes them
CREATE TABLE IF NOT EXISTS rapport.secret (
    kind text NOT NULL,
    id uuid NOT NULL,
    fields jsonb NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE TABLE IF NOT EXISTS rapport.change_secret (
    seq bigint PRIMARY KEY,
    fields jsonb NOT NULL
);
ALTER TABLE rapport.record ENABLE ROW LEVEL SECURITY;
ALTER TABLE rapport.change ENABLE ROW LEVEL SECURITY;
ALTER TABLE rapport.secret ENABLE ROW LEVEL SECURITY;
ALTER TABLE rapport.change_secret ENABLE ROW LEVEL SECURITY;
CREATE TABLE IF NOT EXISTS rapport.conflict (
    id bigserial PRIMARY KEY,
    kind text NOT NULL,
    record_id uuid NOT NULL,
    field text NOT NULL,
    base jsonb,
    mine jsonb,
    theirs jsonb,
    member uuid,
    at timestamptz NOT NULL DEFAULT now(),
    resolved_at timestamptz
)
"""

STEPS = (_STEP_1,)

# Who may do what: only the team's logins reach its database, and there they may read the
# team and call push and pull, nothing else.
_FUNCTIONS = (
    "rapport.me(), rapport.is_member(), rapport.may_read_confidential(), "
    "rapport.push(int, uuid, jsonb), rapport.pull(bigint, int), "
    "rapport.snapshot(), rapport.census(), rapport.last_seq(), rapport.claim(uuid)"
)
_INTERNAL = (
    "rapport.note_conflict(text, uuid, text, jsonb, jsonb, jsonb, uuid), "
    "rapport.complaint_sealed(text), rapport.sealed(text, jsonb), rapport.secret_keys(text), "
    "rapport.covered(uuid), rapport.seal(uuid), rapport.unseal(uuid, bigint, uuid, uuid)"
)
_RIGHTS = (
    "REVOKE CONNECT, TEMPORARY ON DATABASE {database} FROM PUBLIC",
    "GRANT CONNECT ON DATABASE {database} TO {group}",
    "GRANT USAGE ON SCHEMA rapport TO {group}",
    "GRANT SELECT ON rapport.meta, rapport.member TO {group}",
    # the team's records, read by its members (a push alone writes them); a confidential
    # complaint's details only by those with the confidential role
    "GRANT SELECT ON rapport.record, rapport.change, rapport.secret, rapport.change_secret "
    "TO {group}",
    "DROP POLICY IF EXISTS members ON rapport.record",
    "CREATE POLICY members ON rapport.record FOR SELECT TO {group} "
    "USING ((SELECT rapport.is_member()))",
    "DROP POLICY IF EXISTS members ON rapport.change",
    "CREATE POLICY members ON rapport.change FOR SELECT TO {group} "
    "USING ((SELECT rapport.is_member()))",
    "DROP POLICY IF EXISTS readers ON rapport.secret",
    "CREATE POLICY readers ON rapport.secret FOR SELECT TO {group} "
    "USING ((SELECT rapport.may_read_confidential()))",
    "DROP POLICY IF EXISTS readers ON rapport.change_secret",
    "CREATE POLICY readers ON rapport.change_secret FOR SELECT TO {group} "
    "USING ((SELECT rapport.may_read_confidential()))",
    f"REVOKE ALL ON FUNCTION {_FUNCTIONS}, {_INTERNAL} FROM PUBLIC",
    f"GRANT EXECUTE ON FUNCTION {_FUNCTIONS} TO {{group}}",
)
PROTOCOL = len(STEPS)  # what this Rapport's clients and server schema speak

# Pushing is the only way a member's login changes the team's records: a function that runs
# with its owner's rights, naming the member by the session's login. One push at a time takes
# the change counter, so sequence numbers are handed out in commit order.
_PUSH = r"""
CREATE OR REPLACE FUNCTION rapport.me() RETURNS rapport.member
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = rapport, pg_temp AS $$
DECLARE
    v_member rapport.member;
BEGIN
    SELECT * INTO v_member FROM rapport.member
        WHERE login = session_user AND deleted_at IS NULL;
    IF v_member.id IS NULL THEN
        RAISE EXCEPTION 'login % is not a member of this team', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN v_member;
END
$$;

CREATE OR REPLACE FUNCTION rapport.is_member() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = rapport, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM rapport.member
                   WHERE login = session_user AND deleted_at IS NULL)
$$;

CREATE OR REPLACE FUNCTION rapport.may_read_confidential() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = rapport, pg_temp AS $$
    SELECT COALESCE((SELECT confidential FROM rapport.member
                     WHERE login = session_user AND deleted_at IS NULL), false)
$$;

CREATE OR REPLACE FUNCTION rapport.complaint_sealed(p_key text) RETURNS boolean
LANGUAGE sql STABLE SET search_path = rapport, pg_temp AS $$
    SELECT COALESCE((SELECT r.fields->'confidential' IN ('1'::jsonb, 'true'::jsonb)
                     FROM rapport.record r
                     WHERE r.kind = 'complaint' AND p_key ~ '^[0-9a-fA-F]{32}$'
                       AND r.id = p_key::uuid), false)
$$;

-- whether a record's secret fields are kept apart: a confidential complaint's, and its
-- timeline's and audit entries'
CREATE OR REPLACE FUNCTION rapport.sealed(p_kind text, p_fields jsonb) RETURNS boolean
LANGUAGE sql STABLE SET search_path = rapport, pg_temp AS $$
    SELECT CASE p_kind
        WHEN 'complaint' THEN COALESCE(p_fields->'confidential' IN ('1'::jsonb, 'true'::jsonb),
                                       false)
        WHEN 'complaint_event' THEN rapport.complaint_sealed(p_fields->>'complaint_id')
        WHEN 'audit_entry' THEN COALESCE(p_fields->>'table_name' = 'complaint', false)
                                AND rapport.complaint_sealed(p_fields->>'record_id')
        ELSE false END
$$;

CREATE OR REPLACE FUNCTION rapport.secret_keys(p_kind text) RETURNS text[]
LANGUAGE sql STABLE SET search_path = rapport, pg_temp AS $$
    SELECT COALESCE(array_agg(field), '{}') FROM rapport.field_rule
    WHERE kind = p_kind AND rule = 'secret'
$$;

-- the records a complaint's confidentiality covers
CREATE OR REPLACE FUNCTION rapport.covered(p_complaint uuid)
RETURNS TABLE (kind text, id uuid)
LANGUAGE sql STABLE SET search_path = rapport, pg_temp AS $$
    SELECT r.kind, r.id FROM rapport.record r
    WHERE (r.kind = 'complaint' AND r.id = p_complaint)
       OR (r.kind = 'complaint_event'
           AND r.fields->>'complaint_id' = replace(p_complaint::text, '-', ''))
       OR (r.kind = 'audit_entry' AND r.fields->>'table_name' = 'complaint'
           AND r.fields->>'record_id' = replace(p_complaint::text, '-', ''))
$$;

-- a complaint made confidential: what it said before goes under lock, in the records and in
-- the changes that carried it (laptops that pulled it already keep what they have)
CREATE OR REPLACE FUNCTION rapport.seal(p_complaint uuid) RETURNS void
LANGUAGE plpgsql SET search_path = rapport, pg_temp AS $$
DECLARE
    v_row record;
    v_keys text[];
    v_hidden jsonb;
BEGIN
    FOR v_row IN SELECT * FROM rapport.covered(p_complaint) LOOP
        v_keys := rapport.secret_keys(v_row.kind);
        SELECT COALESCE(jsonb_object_agg(f.key, f.value), '{}') INTO v_hidden
            FROM rapport.record r, jsonb_each(r.fields) f
            WHERE r.kind = v_row.kind AND r.id = v_row.id AND f.key = ANY(v_keys);
        IF v_hidden <> '{}'::jsonb THEN
            UPDATE rapport.record SET fields = fields - v_keys
                WHERE kind = v_row.kind AND id = v_row.id;
            INSERT INTO rapport.secret (kind, id, fields) VALUES (v_row.kind, v_row.id, v_hidden)
                ON CONFLICT (kind, id)
                DO UPDATE SET fields = excluded.fields || rapport.secret.fields;
        END IF;
        INSERT INTO rapport.change_secret (seq, fields)
            SELECT c.seq, (SELECT jsonb_object_agg(f.key, f.value) FROM jsonb_each(c.fields) f
                           WHERE f.key = ANY(v_keys))
            FROM rapport.change c
            WHERE c.kind = v_row.kind AND c.id = v_row.id AND c.fields ?| v_keys
            ON CONFLICT (seq)
            DO UPDATE SET fields = rapport.change_secret.fields || excluded.fields;
        UPDATE rapport.change SET fields = fields - v_keys
            WHERE kind = v_row.kind AND id = v_row.id AND fields ?| v_keys;
    END LOOP;
END
$$;

-- a complaint no longer confidential: its details go to every member, as new changes
CREATE OR REPLACE FUNCTION rapport.unseal(p_complaint uuid, p_seq bigint, p_member uuid,
                                          p_push uuid) RETURNS bigint
LANGUAGE plpgsql SET search_path = rapport, pg_temp AS $$
DECLARE
    v_row record;
BEGIN
    FOR v_row IN SELECT s.kind, s.id, s.fields FROM rapport.secret s
                 JOIN rapport.covered(p_complaint) c ON c.kind = s.kind AND c.id = s.id LOOP
        p_seq := p_seq + 1;
        UPDATE rapport.record SET fields = fields || v_row.fields, version = p_seq
            WHERE kind = v_row.kind AND id = v_row.id;
        DELETE FROM rapport.secret WHERE kind = v_row.kind AND id = v_row.id;
        INSERT INTO rapport.change (seq, kind, id, fields, member, push_id)
            VALUES (p_seq, v_row.kind, v_row.id, v_row.fields, p_member, p_push);
    END LOOP;
    RETURN p_seq;
END
$$;

CREATE OR REPLACE FUNCTION rapport.note_conflict(
    p_kind text, p_id uuid, p_field text, p_base jsonb, p_mine jsonb, p_theirs jsonb,
    p_member uuid)
RETURNS jsonb LANGUAGE plpgsql SET search_path = rapport, pg_temp AS $$
DECLARE
    v_conflict bigint;
BEGIN
    INSERT INTO rapport.conflict (kind, record_id, field, base, mine, theirs, member)
    VALUES (p_kind, p_id, p_field, p_base, p_mine, p_theirs, p_member)
    RETURNING id INTO v_conflict;
    RETURN jsonb_build_object('conflict', v_conflict, 'kind', p_kind, 'id', p_id,
                              'field', p_field, 'theirs', p_theirs);
END
$$;

CREATE OR REPLACE FUNCTION rapport.push(p_protocol int, p_push uuid, p_changes jsonb)
RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rapport, pg_temp
SET lock_timeout = '15s' AS $$
DECLARE
    v_me rapport.member := rapport.me();
    v_member uuid := v_me.id;
    v_done jsonb;
    v_change jsonb;
    v_n bigint;
    v_bad bigint;
    v_kind text;
    v_id uuid;
    v_field text;
    v_sent jsonb;
    v_current jsonb;
    v_applied jsonb;
    v_base bigint;  -- the counter before this push: change n of it is numbered v_base + n
    v_seq bigint;
    v_next bigint;  -- numbers after the push's own, for what unsealing sends
    v_record rapport.record%ROWTYPE;
    v_latest jsonb;
    v_secrets jsonb;
    v_guarded boolean;  -- a kind whose words may be confidential
    v_hidden jsonb;
    v_whole jsonb;
    v_public jsonb;
    v_private jsonb;
    v_keys text[];
    v_was_sealed boolean;
    v_sealed boolean;
    v_since boolean;
    v_deleting boolean;
    v_fresh bigint[];
    v_results jsonb[] := '{}';  -- an array grows in place; a jsonb would be copied each time
    v_conflicted jsonb[] := '{}';
BEGIN
    IF p_protocol IS DISTINCT FROM {protocol} THEN
        RAISE EXCEPTION 'this team server speaks protocol {protocol}; the Rapport pushing '
            'speaks %: update Rapport', p_protocol USING ERRCODE = 'feature_not_supported';
    END IF;
    IF p_push IS NULL OR jsonb_typeof(p_changes) IS DISTINCT FROM 'array' THEN
        RAISE EXCEPTION 'a push needs its id and a list of changes'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT value INTO v_base FROM rapport.counter WHERE name = 'change' FOR UPDATE;
    SELECT result INTO v_done FROM rapport.push
        WHERE member = v_member AND push_id = p_push
          AND digest = md5(p_changes::text);
    IF v_done IS NOT NULL THEN
        RETURN v_done;  -- a retry after a lost acknowledgement: nothing changes again
    END IF;
    IF EXISTS (SELECT 1 FROM rapport.push WHERE member = v_member AND push_id = p_push) THEN
        RAISE EXCEPTION 'push % was sent before with other changes', p_push
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- every change is checked before any is applied: a push is taken whole or not at all
    SELECT min(e.n) INTO v_bad FROM jsonb_array_elements(p_changes) WITH ORDINALITY e(c, n)
    WHERE jsonb_typeof(e.c) IS DISTINCT FROM 'object'
       OR NOT EXISTS (SELECT 1 FROM rapport.kind k WHERE k.name = e.c->>'kind')
       OR (e.c->>'id') !~ '^[0-9a-fA-F-]{32,36}$'
       OR jsonb_typeof(e.c->'fields') IS DISTINCT FROM 'object'
       OR jsonb_typeof(e.c->'version') NOT IN ('number', 'null')
       OR (e.c->>'version') !~ '^[0-9]{1,18}$'
       OR EXISTS (SELECT 1 FROM jsonb_each(e.c->'fields') f
                  WHERE jsonb_typeof(f.value) IS DISTINCT FROM 'object'
                     OR NOT f.value ? 'value')
       -- only links and closures are ever removed outright; the rest are deleted softly
       OR (e.c->'fields' ? '_gone' AND NOT EXISTS (
              SELECT 1 FROM rapport.field_rule r
              WHERE r.kind = e.c->>'kind' AND r.field = '_gone' AND r.rule = 'removable'));
    IF v_bad IS NOT NULL THEN
        RAISE EXCEPTION 'change % of the push is not a change Rapport makes: %', v_bad,
            left((p_changes->(v_bad::int - 1))::text, 200)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT min(n) INTO v_bad FROM (
        SELECT e.n, count(*) OVER (PARTITION BY e.c->>'kind', (e.c->>'id')::uuid) AS times
        FROM jsonb_array_elements(p_changes) WITH ORDINALITY e(c, n)) counted
    WHERE times > 1;
    IF v_bad IS NOT NULL THEN
        RAISE EXCEPTION 'change % of the push is not a change Rapport makes: its record '
            'comes twice', v_bad USING ERRCODE = 'invalid_parameter_value';
    END IF;
    v_next := v_base + jsonb_array_length(p_changes);
    SELECT COALESCE(jsonb_object_agg(kind || '.' || field, rule), '{}') INTO v_latest
        FROM rapport.field_rule WHERE rule = 'latest';
    SELECT COALESCE(jsonb_object_agg(kind, fields), '{}') INTO v_secrets
        FROM (SELECT kind, jsonb_agg(field) AS fields FROM rapport.field_rule
              WHERE rule = 'secret' GROUP BY kind) listed;
    -- records new to the team, of kinds with nothing confidential, in one statement each
    -- (a publish is mostly these): nothing to merge with
    CREATE TEMP TABLE IF NOT EXISTS pushed_fresh (
        n bigint, kind text, id uuid, fields jsonb) ON COMMIT DROP;
    TRUNCATE pushed_fresh;
    INSERT INTO pushed_fresh
    SELECT e.n, e.c->>'kind', (e.c->>'id')::uuid,
           (SELECT COALESCE(jsonb_object_agg(f.key, f.value->'value'), '{}')
            FROM jsonb_each(e.c->'fields') f
            WHERE NULLIF(f.value->'value', 'null'::jsonb) IS NOT NULL)
    FROM jsonb_array_elements(p_changes) WITH ORDINALITY e(c, n)
    WHERE NOT v_secrets ? (e.c->>'kind')
      AND NOT EXISTS (SELECT 1 FROM rapport.record r
                      WHERE r.kind = e.c->>'kind' AND r.id = (e.c->>'id')::uuid);
    DELETE FROM pushed_fresh WHERE fields = '{}'::jsonb;
    INSERT INTO rapport.record (kind, id, version, fields)
        SELECT kind, id, v_base + n, fields FROM pushed_fresh;
    INSERT INTO rapport.change (seq, kind, id, fields, member, push_id)
        SELECT v_base + n, kind, id, fields, v_member, p_push FROM pushed_fresh;
    SELECT COALESCE(array_agg(n), '{}'),
           COALESCE(array_agg(jsonb_build_object('kind', kind, 'id', id, 'applied', true,
                                                 'version', v_base + n)), '{}')
        INTO v_fresh, v_results FROM pushed_fresh;
    -- the others one by one, field by field
    FOR v_change, v_n IN SELECT e.c, e.n FROM jsonb_array_elements(p_changes)
                         WITH ORDINALITY e(c, n) WHERE NOT e.n = ANY(v_fresh) ORDER BY e.n LOOP
        v_kind := v_change->>'kind';
        v_id := (v_change->>'id')::uuid;
        v_seq := v_base + v_n;
        v_applied := '{}'::jsonb;
        SELECT * INTO v_record FROM rapport.record
            WHERE kind = v_kind AND id = v_id FOR UPDATE;
        v_guarded := v_secrets ? v_kind;
        v_hidden := NULL;
        IF v_guarded AND v_record.id IS NOT NULL THEN
            SELECT fields INTO v_hidden FROM rapport.secret
                WHERE kind = v_kind AND id = v_id FOR UPDATE;
        END IF;
        v_whole := COALESCE(v_record.fields, '{}'::jsonb) || COALESCE(v_hidden, '{}'::jsonb);
        v_keys := ARRAY(SELECT jsonb_array_elements_text(v_secrets->v_kind));
        v_was_sealed := v_guarded AND v_record.id IS NOT NULL
            AND rapport.sealed(v_kind, v_whole);
        v_deleting := NULLIF(v_change->'fields'->'deleted_at'->'value', 'null') IS NOT NULL
            AND NULLIF(v_change->'fields'->'deleted_at'->'base', 'null') IS NULL;
        -- deleting what someone else has changed since this laptop last saw it
        v_since := v_deleting AND v_record.id IS NOT NULL AND EXISTS (
            SELECT 1 FROM rapport.change c WHERE c.kind = v_kind AND c.id = v_id
               AND c.seq > COALESCE((v_change->>'version')::bigint, 0)
               AND c.member IS DISTINCT FROM v_member);
        IF v_record.id IS NULL THEN  -- new to the team: nothing to merge with
            SELECT COALESCE(jsonb_object_agg(f.key, f.value->'value'), '{}') INTO v_applied
                FROM jsonb_each(v_change->'fields') f
                WHERE NULLIF(f.value->'value', 'null'::jsonb) IS NOT NULL;
        END IF;
        FOR v_field, v_sent IN SELECT * FROM jsonb_each(v_change->'fields')
                               WHERE v_record.id IS NOT NULL LOOP
            -- JSON null and a field never set are the same: no value
            v_current := NULLIF(v_whole->v_field, 'null'::jsonb);
            IF v_was_sealed AND NOT v_me.confidential
               AND (v_field = ANY(v_keys) OR v_field = 'confidential') THEN
                -- a confidential complaint's words and seal are only for those who may read
                -- them: never changed, nor compared (a match would confirm a guess), by others
                v_conflicted := array_append(v_conflicted, rapport.note_conflict(
                    v_kind, v_id, v_field, v_sent->'base', v_sent->'value',
                    '"(confidential)"'::jsonb, v_member) || '{"masked": true}'::jsonb);
            ELSIF v_latest ? (v_kind || '.' || v_field) THEN
                IF v_current IS DISTINCT FROM NULLIF(v_sent->'value', 'null'::jsonb) THEN
                    v_applied := v_applied || jsonb_build_object(v_field, v_sent->'value');
                END IF;
            ELSIF v_field = 'deleted_at' AND v_deleting AND v_since THEN
                -- deleting what someone has changed meanwhile: a person decides
                v_conflicted := array_append(v_conflicted, rapport.note_conflict(
                    v_kind, v_id, v_field, v_sent->'base', v_sent->'value', v_current,
                    v_member));
            ELSIF v_current IS NOT DISTINCT FROM NULLIF(v_sent->'base', 'null'::jsonb)
               OR v_current IS NOT DISTINCT FROM NULLIF(v_sent->'value', 'null'::jsonb) THEN
                IF v_current IS DISTINCT FROM NULLIF(v_sent->'value', 'null'::jsonb) THEN
                    v_applied := v_applied || jsonb_build_object(v_field, v_sent->'value');
                END IF;
            ELSE
                v_conflicted := array_append(v_conflicted, rapport.note_conflict(
                    v_kind, v_id, v_field, v_sent->'base', v_sent->'value', v_current,
                    v_member));
            END IF;
        END LOOP;
        -- an edit of a record someone deleted meanwhile: applied (nothing is lost), and said
        IF v_change->'live' = 'true'::jsonb AND NOT (v_change->'fields' ? 'deleted_at')
           AND NULLIF(v_record.fields->'deleted_at', 'null'::jsonb) IS NOT NULL THEN
            v_conflicted := array_append(v_conflicted, rapport.note_conflict(
                v_kind, v_id, 'deleted_at', 'null'::jsonb, 'null'::jsonb,
                v_record.fields->'deleted_at', v_member));
        END IF;
        IF v_applied <> '{}'::jsonb THEN
            v_sealed := v_guarded AND rapport.sealed(v_kind, v_whole || v_applied);
            v_private := '{}'::jsonb;
            v_public := v_applied;
            IF v_sealed THEN
                SELECT COALESCE(jsonb_object_agg(f.key, f.value), '{}') INTO v_private
                    FROM jsonb_each(v_applied) f WHERE f.key = ANY(v_keys);
                v_public := v_applied - v_keys;
            END IF;
            IF v_record.id IS NULL THEN
                INSERT INTO rapport.record (kind, id, version, fields)
                VALUES (v_kind, v_id, v_seq, v_public);
            ELSE
                UPDATE rapport.record SET version = v_seq, fields = fields || v_public
                WHERE kind = v_kind AND id = v_id;
            END IF;
            INSERT INTO rapport.change (seq, kind, id, fields, member, push_id)
            VALUES (v_seq, v_kind, v_id, v_public, v_member, p_push);
            IF v_private <> '{}'::jsonb THEN
                INSERT INTO rapport.secret (kind, id, fields) VALUES (v_kind, v_id, v_private)
                    ON CONFLICT (kind, id)
                    DO UPDATE SET fields = rapport.secret.fields || excluded.fields;
                INSERT INTO rapport.change_secret (seq, fields) VALUES (v_seq, v_private);
            END IF;
            IF v_kind = 'complaint' AND v_sealed AND NOT v_was_sealed THEN
                PERFORM rapport.seal(v_id);
            ELSIF v_kind = 'complaint' AND v_was_sealed AND NOT v_sealed THEN
                v_next := rapport.unseal(v_id, v_next, v_member, p_push);
            END IF;
        END IF;
        v_results := array_append(v_results, jsonb_build_object(
            'kind', v_kind, 'id', v_id, 'applied', v_applied <> '{}'::jsonb,
            'version', COALESCE(CASE WHEN v_applied <> '{}'::jsonb THEN v_seq END,
                                v_record.version)));
        v_record := NULL;
    END LOOP;
    UPDATE rapport.counter SET value = v_next WHERE name = 'change';
    v_done := jsonb_build_object(
        'records', to_jsonb(v_results), 'conflicts', to_jsonb(v_conflicted), 'seq', v_next);
    INSERT INTO rapport.push (member, push_id, digest, result)
    VALUES (v_member, p_push, md5(p_changes::text), v_done);
    RETURN v_done;
END
$$;

-- pull and snapshot read as the member (row-level security decides what they see)
CREATE OR REPLACE FUNCTION rapport.pull(p_after bigint, p_limit int)
RETURNS TABLE (seq bigint, kind text, id uuid, fields jsonb, member uuid)
LANGUAGE plpgsql STABLE SET search_path = rapport, pg_temp AS $$
BEGIN
    PERFORM rapport.me();
    RETURN QUERY SELECT c.seq, c.kind, c.id, c.fields || COALESCE(s.fields, '{}'::jsonb),
                        c.member
        FROM rapport.change c LEFT JOIN rapport.change_secret s ON s.seq = c.seq
        WHERE c.seq > COALESCE(p_after, 0) ORDER BY c.seq
        LIMIT least(greatest(COALESCE(p_limit, 0), 1), 5000);
END
$$;

-- the team's records as they stand, for a laptop that joins: read with last_seq() in one
-- repeatable-read transaction, it is one consistent moment; pulls go on after last_seq()
CREATE OR REPLACE FUNCTION rapport.snapshot()
RETURNS TABLE (kind text, id uuid, version bigint, fields jsonb)
LANGUAGE plpgsql STABLE SET search_path = rapport, pg_temp AS $$
BEGIN
    PERFORM rapport.me();
    RETURN QUERY SELECT r.kind, r.id, r.version, r.fields || COALESCE(s.fields, '{}'::jsonb)
        FROM rapport.record r LEFT JOIN rapport.secret s ON s.kind = r.kind AND s.id = r.id;
END
$$;

-- how many live records the team's register holds: what a joining laptop is shown
CREATE OR REPLACE FUNCTION rapport.census() RETURNS bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = rapport, pg_temp AS $$
BEGIN
    PERFORM rapport.me();
    RETURN (SELECT count(*) FROM rapport.record r
            WHERE r.kind IN ('customer', 'department', 'service', 'service_request',
                             'complaint', 'feedback')
              AND NULLIF(r.fields->'deleted_at', 'null'::jsonb) IS NULL
              AND NOT r.fields ? '_gone');
END
$$;

CREATE OR REPLACE FUNCTION rapport.last_seq() RETURNS bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = rapport, pg_temp AS $$
BEGIN
    PERFORM rapport.me();
    RETURN (SELECT value FROM rapport.counter WHERE name = 'change');
END
$$;

-- which team member record a login is: said once, by the first laptop that publishes or
-- joins as it; every laptop then seats that member as "you"
CREATE OR REPLACE FUNCTION rapport.claim(p_record uuid) RETURNS uuid
LANGUAGE plpgsql SECURITY DEFINER SET search_path = rapport, pg_temp AS $$
DECLARE
    v_record uuid;
BEGIN
    UPDATE rapport.member SET record = COALESCE(record, p_record)
        WHERE id = (rapport.me()).id RETURNING record INTO v_record;
    RETURN v_record;
END
$$;
"""


@dataclass(frozen=True)
class ServerState:
    database: str
    protocol: int
    members: int
    upgraded: bool  # whether this run created or upgraded the schema


def members_role(database: str) -> str:
    """The group role of a team's logins: one per database, as a cluster may hold several."""
    return f"{database}_members"[:LOGIN_LIMIT]


_ADMIN_RIGHTS = "the administrator's login needs CREATEROLE and to own the database"


def init_server(url: str) -> ServerState:
    """Create or upgrade Rapport's schema, group role and grants on the server at `url` (whose
    user may create roles: the IT department's administrator)."""
    with connect(url) as connection, said_in_one_line("set Rapport up", _ADMIN_RIGHTS):
        database = connection.info.dbname
        group = members_role(database)
        with connection.transaction():
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
            found = _protocol(connection)
            if found is not None and found > PROTOCOL:
                raise ServerError(
                    f"The team server {database} was set up by a newer Rapport (protocol "
                    f"{found}; this one speaks up to {PROTOCOL}): install the newer Rapport."
                )
            for step in STEPS[found or 0 :]:
                connection.execute(step)
            connection.execute(_PUSH.replace("{protocol}", str(PROTOCOL)))
            with connection.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO rapport.kind (name) VALUES (%s) ON CONFLICT DO NOTHING",
                    [(kind,) for kind in SYNCED_KINDS],
                )
                connection.execute("DELETE FROM rapport.field_rule")
                cursor.executemany(
                    "INSERT INTO rapport.field_rule (kind, field, rule) VALUES (%s, %s, %s)",
                    [
                        (kind, field, rule)
                        for rule, listed in (
                            ("latest", LATEST_FIELDS),
                            ("secret", SECRET_FIELDS),
                            ("removable", dict.fromkeys(REMOVABLE_KINDS, (GONE,))),
                        )
                        for kind, fields in listed.items()
                        for field in fields
                    ],
                )
            connection.execute(
                "INSERT INTO rapport.meta (key, value) VALUES ('server', %s) "
                "ON CONFLICT (key) DO NOTHING",
                (str(uuid.uuid4()),),
            )
            _ensure_group(connection, group, database)
            names = {"database": sql.Identifier(database), "group": sql.Identifier(group)}
            for statement in _RIGHTS:
                connection.execute(sql.SQL(statement).format(**names))
            connection.execute(
                "INSERT INTO rapport.meta (key, value) VALUES ('protocol', %s) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (str(PROTOCOL),),
            )
            members = connection.execute("SELECT count(*) FROM rapport.member").fetchone()[0]
    return ServerState(database, PROTOCOL, members, found != PROTOCOL)


def add_member(
    url: str,
    *,
    login: str,
    name: str,
    password: str,
    email: str = "",
    confidential: bool = False,
) -> uuid.UUID:
    """A login for one member of the team, in its group role, and their row in the server's
    team; the member's key (which every change they make will carry)."""
    login, name = login.strip(), " ".join(name.split())
    _check_member(login, name, password)
    with connect(url) as connection, said_in_one_line(f"add {login}", _ADMIN_RIGHTS):
        group = members_role(connection.info.dbname)
        with connection.transaction():
            if _protocol(connection) is None:
                raise ServerError(
                    f"The team server {connection.info.dbname} is not set up yet: run "
                    "'server init' first."
                )
            taken = connection.execute(
                "SELECT login FROM rapport.member WHERE login = %s OR lower(name) = lower(%s)",
                (login, name),
            ).fetchone()
            if taken is not None:
                raise ServerError(f"The team server has a member {taken[0]} already.")
            exists = connection.execute(
                "SELECT 1 FROM pg_roles WHERE rolname = %s", (login,)
            ).fetchone()
            if exists:
                raise ServerError(
                    f"{login} is a login on this PostgreSQL server already (perhaps for "
                    "something else): choose another login."
                )
            # hashed here: the password itself never reaches the server, nor its log
            hashed = connection.pgconn.encrypt_password(
                password.encode(), login.encode(), b"scram-sha-256"
            ).decode()
            connection.execute(
                sql.SQL(
                    "CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION "
                    "NOBYPASSRLS PASSWORD {} IN ROLE {}"
                ).format(sql.Identifier(login), sql.Literal(hashed), sql.Identifier(group))
            )
            key = uuid.uuid4()
            connection.execute(
                "INSERT INTO rapport.member (id, login, name, email, confidential) "
                "VALUES (%s, %s, %s, %s, %s)",
                (key, login, name, email.strip(), confidential),
            )
    return key


_LOGIN = re.compile(r"[a-z][a-z0-9_.@-]*")
_RESERVED = frozenset({"public", "none", "current_user", "session_user", "current_role"})


def _check_member(login: str, name: str, password: str) -> None:
    if not login:
        raise ServerError("Give the member's login.")
    if not _LOGIN.fullmatch(login) or login.startswith("pg_") or login in _RESERVED:
        raise ServerError(
            f"'{login}' cannot be a login: use lower-case letters, digits and . _ @ -, "
            "starting with a letter (and not pg_…)."
        )
    if len(login.encode()) > LOGIN_LIMIT:
        raise ServerError(f"A login is at most {LOGIN_LIMIT} characters; '{login}' is longer.")
    if any(ord(character) < 32 for character in name + password):
        raise ServerError("A name or password may not hold control characters.")
    if not name:
        raise ServerError("Give the member's name, as the team knows them.")
    if len(password) < MIN_PASSWORD:
        raise ServerError(
            f"The password is too short: give at least {MIN_PASSWORD} characters "
            "(RAPPORT_SYNC_PASSWORD)."
        )


def _protocol(connection: psycopg.Connection) -> int | None:
    """The server's protocol, or None where Rapport has not set it up."""
    exists = connection.execute("SELECT to_regclass('rapport.meta')").fetchone()[0]
    if exists is None:
        return None
    row = connection.execute("SELECT value FROM rapport.meta WHERE key = 'protocol'").fetchone()
    return int(row[0]) if row else None


def _group_mark(database: str) -> str:
    return f"Rapport: the team logins of database {database}"


def _ensure_group(connection: psycopg.Connection, group: str, database: str) -> None:
    """The team's group role: made here, or one this server's `init` made before (marked so)
    and still harmless; a role of that name made for something else is refused, never adopted:
    every member's login would gain what it may do."""
    found = connection.execute(
        "SELECT rolcanlogin OR rolsuper OR rolcreaterole OR rolcreatedb OR rolbypassrls, "
        "shobj_description(oid, 'pg_authid') FROM pg_roles WHERE rolname = %s",
        (group,),
    ).fetchone()
    if found is None:
        connection.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(group)))
        connection.execute(
            sql.SQL("COMMENT ON ROLE {} IS {}").format(
                sql.Identifier(group), sql.Literal(_group_mark(database))
            )
        )
        return
    powerful, mark = found
    if powerful or mark != _group_mark(database):
        raise ServerError(
            f"A role {group} exists on this PostgreSQL server and Rapport did not make it for "
            f"{database}: rename or drop it, then run 'server init' again."
        )
