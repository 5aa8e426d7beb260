-- A pull asks, of every row it receives, whether this laptop changed that row since its last push
-- (the row is then left for the push to merge): `sync_outbox` is found by table and gid, not read
-- whole once per pulled row.
CREATE INDEX sync_outbox_row ON sync_outbox(tbl, gid);
