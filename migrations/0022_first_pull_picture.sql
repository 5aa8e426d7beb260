-- A laptop's first pull reads head office's current rows, table by table, instead of replaying the
-- whole log (issue #14: a five-year organisation in at most 10 minutes), then pulls the log from
-- the picture's horizon. While it reads: the horizon (as text, an xid8 of head office's), and the
-- table and gid of the last row applied, so a pull stopped anywhere goes on from there. All three
-- are NULL when no first pull is under way.
ALTER TABLE sync_state ADD COLUMN picture_xid TEXT;
ALTER TABLE sync_state ADD COLUMN picture_tbl TEXT;
ALTER TABLE sync_state ADD COLUMN picture_gid TEXT;
