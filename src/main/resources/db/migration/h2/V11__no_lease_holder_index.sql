-- Embedded H2 has one instance, whose leases are renewed and given back by key. With an index on the holder, H2
-- planned the renewal "where leased_by = ? and uid in (?, ...)" through it and compared every held row with every
-- key of the list; by primary key it reads only the rows named. GET /admin/cluster counts holds by a scan instead.
-- H2 only: the next migration both databases run is V12.
drop index execution_leased_by;
drop index notification_leased_by;
