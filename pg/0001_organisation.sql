-- Huixiao's organisation database, schema version 1: the organisation, its laptops, the batches they
-- pushed and the log of changes they pull. Applied by `huixiao hq init` in one transaction.
-- A released version is never edited; the next one is a new file.

CREATE SCHEMA hq;
COMMENT ON SCHEMA hq IS 'Huixiao: the organisation, its laptops and the sync log';

CREATE TABLE hq.schema_version (
    version    integer PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
);

-- One row: the organisation this database holds. `short` prefixes its roles' names, which are
-- cluster-wide in PostgreSQL, so that two organisations on one server never share a role.
CREATE TABLE hq.organisation (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    short      text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    one        boolean NOT NULL DEFAULT true UNIQUE CHECK (one)
);
INSERT INTO hq.organisation (short) VALUES (substr(replace(gen_random_uuid()::text, '-', ''), 1, 10));

-- A laptop of the organisation, signed in as its own role. Head office's laptops have is_hq.
CREATE TABLE hq.laptops (
    id         serial PRIMARY KEY,
    name       text NOT NULL UNIQUE CHECK (length(btrim(name)) > 0),
    role       name NOT NULL UNIQUE,
    cities     text[] NOT NULL DEFAULT '{}',
    is_hq      boolean NOT NULL DEFAULT false,
    added_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);
COMMENT ON TABLE hq.laptops IS 'The laptops of the organisation; revoked ones cannot sign in';

-- Every batch a laptop pushed, with the answer it got: a retried batch answers the same and changes nothing.
CREATE TABLE hq.batches (
    laptop     integer NOT NULL REFERENCES hq.laptops,
    batch      uuid NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    result     jsonb NOT NULL,
    PRIMARY KEY (laptop, batch)
);

-- The log the laptops pull, in commit order: read only below the oldest running transaction
-- (pg_snapshot_xmin), ordered by (xid, pos), so a change that commits late is never skipped.
CREATE TABLE hq.changes (
    pos     bigserial PRIMARY KEY,
    xid     xid8 NOT NULL DEFAULT pg_current_xact_id(),
    laptop  integer REFERENCES hq.laptops,
    tbl     text NOT NULL,
    gid     uuid NOT NULL,
    hlc     bigint NOT NULL,
    row     jsonb
);
CREATE INDEX changes_order ON hq.changes (xid, pos);

-- The laptop signed in, or none (a revoked laptop is nobody). session_user, not current_user: inside a
-- SECURITY DEFINER function current_user is the definer.
CREATE FUNCTION hq.me() RETURNS hq.laptops
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, hq
    AS $$ SELECT * FROM hq.laptops WHERE role = session_user AND revoked_at IS NULL $$;

-- The role every laptop is a member of: it may read the organisation and call its own functions.
DO $$
DECLARE group_role text := 'hx_' || (SELECT short FROM hq.organisation) || '_laptop';
BEGIN
    EXECUTE format('CREATE ROLE %I NOLOGIN', group_role);
    EXECUTE format('GRANT USAGE ON SCHEMA hq TO %I', group_role);
    EXECUTE format('GRANT SELECT ON hq.organisation TO %I', group_role);
    EXECUTE format('GRANT EXECUTE ON FUNCTION hq.me() TO %I', group_role);
END $$;
REVOKE ALL ON FUNCTION hq.me() FROM PUBLIC;

INSERT INTO hq.schema_version (version) VALUES (1);
