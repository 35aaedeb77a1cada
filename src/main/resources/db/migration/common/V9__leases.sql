-- Work is claimed with a lease, not owned (README "Running several instances"): the instance holding it, and until
-- when. The holder renews its leases with every heartbeat; once one has expired, any instance may take the work over.
alter table execution add column leased_by varchar(128);
alter table execution add column lease_until timestamp with time zone;
alter table notification add column leased_by varchar(128);
alter table notification add column lease_until timestamp with time zone;
create index execution_leased_by on execution (leased_by);
create index notification_leased_by on notification (leased_by);

-- What each instance holds is read from the leases now.
alter table router_instance drop column holds;

-- A downstream target's state, shared by every instance: disabled after a 410 Gone (why), and its breaker open
-- until a time (then one probe decides).
create table target_state (
    target          varchar(128) primary key,
    disabled_reason varchar(4000),
    open_until      timestamp with time zone,
    updated_at      timestamp with time zone not null
);

-- Tasks one instance of the cluster runs at a time (syncing the router's webhook, a reconciliation run), under a
-- lease like the work's.
create table cluster_task (
    name        varchar(64) primary key,
    leased_by   varchar(128),
    lease_until timestamp with time zone
);
